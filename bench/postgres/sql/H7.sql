WITH p AS (SELECT i.category, sum(y.total_payout) AS payout FROM payouts y
           JOIN influencers i ON y.influencer_id = i.id GROUP BY 1),
     r AS (SELECT i.category, sum(x.reach) AS reach FROM posts x
           JOIN influencers i ON x.influencer_id = i.id GROUP BY 1)
SELECT coalesce(p.category, r.category) AS category, coalesce(payout, 0) / 100.0 AS payout,
       coalesce(reach, 0) AS reach,
       coalesce(payout, 0) / 100.0 / nullif(coalesce(reach, 0), 0) * 1000 AS cpm
FROM p FULL JOIN r ON p.category = r.category ORDER BY cpm DESC NULLS LAST
