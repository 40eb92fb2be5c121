SELECT i.category, i.platform,
       (sum(p.likes) + sum(p.comments)) / nullif(sum(p.reach), 0) AS engagement_rate
FROM posts p JOIN influencers i ON p.influencer_id = i.id
GROUP BY i.category, i.platform ORDER BY i.category, i.platform
