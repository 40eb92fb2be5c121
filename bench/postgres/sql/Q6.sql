SELECT t.brand, i.platform, count(DISTINCT t.user_id) AS users
FROM tracking_data t JOIN influencers i ON t.influencer_id = i.id
GROUP BY t.brand, i.platform ORDER BY t.brand, i.platform
