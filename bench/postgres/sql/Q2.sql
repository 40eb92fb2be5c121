WITH w AS (SELECT influencer_id, campaign, sum(orders) AS pair_orders
           FROM tracking_data GROUP BY influencer_id, campaign),
     t AS (SELECT influencer_id, campaign, sum(revenue) AS revenue, sum(orders) AS orders
           FROM tracking_data WHERE brand = 'MuscleBlaze'
           GROUP BY influencer_id, campaign),
     p AS (SELECT influencer_id, campaign, sum(total_payout) AS payout
           FROM payouts GROUP BY influencer_id, campaign)
SELECT t.campaign, sum(t.revenue) / 100.0 AS revenue,
       sum(p.payout * t.orders / nullif(w.pair_orders, 0)) / 100.0 AS payout,
       sum(t.revenue) / nullif(sum(p.payout * t.orders / nullif(w.pair_orders, 0)), 0) AS roas
FROM t JOIN w ON t.influencer_id = w.influencer_id AND t.campaign = w.campaign
       LEFT JOIN p ON t.influencer_id = p.influencer_id AND t.campaign = p.campaign
GROUP BY t.campaign ORDER BY t.campaign
