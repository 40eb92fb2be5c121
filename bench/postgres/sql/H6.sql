SELECT influencer_id, (sum(likes) + sum(comments)) / nullif(sum(reach), 0) AS er
FROM posts GROUP BY influencer_id ORDER BY er DESC NULLS LAST
