SELECT influencer_id, date_trunc('week', date)::date AS week, count(*) AS conversions FROM tracking_data
GROUP BY 1, 2 ORDER BY week, conversions DESC
