WITH t AS (SELECT influencer_id, campaign, sum(revenue) AS revenue FROM tracking_data GROUP BY 1, 2),
     p AS (SELECT influencer_id, campaign, sum(total_payout) AS payout FROM payouts GROUP BY 1, 2),
     j AS (SELECT coalesce(t.influencer_id, p.influencer_id) AS influencer_id,
                  coalesce(t.campaign, p.campaign) AS campaign,
                  coalesce(revenue, 0) AS revenue, coalesce(payout, 0) AS payout
           FROM t FULL JOIN p ON t.influencer_id = p.influencer_id AND t.campaign = p.campaign)
SELECT influencer_id, campaign, revenue / 100.0 AS revenue, payout / 100.0 AS payout,
       revenue / payout AS roas
FROM j WHERE payout <> 0 AND revenue / payout > 2 ORDER BY roas DESC
