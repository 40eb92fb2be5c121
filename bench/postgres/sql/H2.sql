SELECT user_id, date, sum(revenue) / 100.0 AS revenue, sum(orders) AS orders FROM tracking_data
GROUP BY user_id, date ORDER BY date, sum(revenue) DESC, user_id
