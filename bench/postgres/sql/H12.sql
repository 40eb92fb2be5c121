WITH f AS (SELECT user_id, min(date) AS first_date FROM tracking_data GROUP BY user_id)
SELECT t.campaign, count(DISTINCT t.user_id) AS new_customers
FROM tracking_data t JOIN f ON t.user_id = f.user_id AND t.date = f.first_date
GROUP BY t.campaign ORDER BY new_customers DESC
