SELECT t.influencer_id, i.name, sum(t.revenue) / 100.0 AS revenue
FROM tracking_data t JOIN influencers i ON t.influencer_id = i.id
WHERE i.platform = 'Instagram'
GROUP BY t.influencer_id, i.name
ORDER BY sum(t.revenue) DESC, t.influencer_id LIMIT 10
