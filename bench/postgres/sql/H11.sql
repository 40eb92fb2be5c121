SELECT product, campaign, sum(orders) AS orders FROM tracking_data GROUP BY 1, 2
HAVING sum(orders) > 1000 ORDER BY orders DESC
