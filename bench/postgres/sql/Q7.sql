WITH f AS (SELECT user_id, min(date) AS first_date FROM tracking_data GROUP BY user_id)
SELECT t.campaign, sum(t.revenue) / 100.0 AS new_customer_revenue
FROM tracking_data t JOIN f ON t.user_id = f.user_id AND t.date = f.first_date
GROUP BY t.campaign ORDER BY t.campaign
