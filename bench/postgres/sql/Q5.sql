SELECT date_trunc('week', date)::date AS week, sum(revenue) / 100.0 AS revenue
FROM tracking_data WHERE brand = 'HKVitals'
GROUP BY 1 ORDER BY 1
