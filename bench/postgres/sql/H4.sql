SELECT t.campaign, count(DISTINCT t.user_id) AS customers
FROM tracking_data t JOIN influencers i ON t.influencer_id = i.id
WHERE i.platform = 'Instagram' GROUP BY t.campaign ORDER BY customers DESC
