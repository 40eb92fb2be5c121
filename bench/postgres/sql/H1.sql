SELECT user_id, sum(revenue) / 100.0 AS revenue FROM tracking_data GROUP BY user_id
ORDER BY sum(revenue) DESC, user_id
