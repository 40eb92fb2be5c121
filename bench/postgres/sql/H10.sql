SELECT to_char(date, 'YYYY-MM') AS month, count(DISTINCT user_id) AS customers FROM tracking_data
WHERE brand = 'HKVitals' AND source = 'instagram.com' GROUP BY 1 ORDER BY 1
