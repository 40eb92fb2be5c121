SELECT campaign, sum(revenue) / 100.0 AS revenue, sum(orders) AS orders
FROM tracking_data GROUP BY campaign ORDER BY campaign
