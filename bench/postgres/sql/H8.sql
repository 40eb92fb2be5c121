WITH keyw AS (SELECT influencer_id, campaign, sum(orders) AS w_sum, count(*) AS n
              FROM tracking_data GROUP BY 1, 2),
     sh AS (SELECT pay.cq_row AS p, tr.cq_row AS r, tr.brand, tr.influencer_id, pay.total_payout AS tot,
                   CASE WHEN keyw.w_sum > 0 THEN tr.orders ELSE 1 END AS w,
                   CASE WHEN keyw.w_sum > 0 THEN keyw.w_sum ELSE keyw.n END AS d
            FROM payouts pay
            JOIN tracking_data tr ON pay.influencer_id = tr.influencer_id AND pay.campaign = tr.campaign
            JOIN keyw ON keyw.influencer_id = pay.influencer_id AND keyw.campaign = pay.campaign),
     q AS (SELECT p, r, brand, influencer_id, tot, div(tot::numeric * w, d) AS qq,
                  mod(tot::numeric * w, d) AS rem FROM sh),
     l AS (SELECT r, brand, influencer_id, qq, tot - sum(qq) OVER (PARTITION BY p) AS left_over,
                  row_number() OVER (PARTITION BY p ORDER BY rem DESC, r) AS rk FROM q),
     spend AS (SELECT influencer_id, sum(qq + CASE WHEN rk <= left_over THEN 1 ELSE 0 END) AS payout
               FROM l WHERE brand = 'MuscleBlaze' GROUP BY influencer_id),
     rev AS (SELECT influencer_id, sum(revenue) AS revenue FROM tracking_data
             WHERE brand = 'MuscleBlaze' GROUP BY influencer_id),
     j AS (SELECT rev.influencer_id, revenue, coalesce(payout, 0) AS payout
           FROM rev LEFT JOIN spend ON rev.influencer_id = spend.influencer_id)
SELECT influencer_id, revenue / 100.0 AS revenue, payout / 100.0 AS payout, revenue / payout AS roas
FROM j WHERE payout <> 0
ORDER BY revenue / payout DESC, influencer_id LIMIT 10
