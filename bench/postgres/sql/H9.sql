SELECT t.brand, i.platform, to_char(t.date, 'YYYY-MM') AS month, sum(t.revenue) / 100.0 AS revenue,
       sum(t.orders) AS orders
FROM tracking_data t JOIN influencers i ON t.influencer_id = i.id
GROUP BY 1, 2, 3 ORDER BY month, sum(t.revenue) DESC
