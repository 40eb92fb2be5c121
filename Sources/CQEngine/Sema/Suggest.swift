import CQLanguage

/// "Did you mean" for names and values: the parser's `suggestion(for:among:)`, or else the one
/// candidate that starts with what was typed (`musc` → MuscleBlaze).
func closestName(to word: String, among candidates: [String]) -> String? {
  if let s = suggestion(for: word, among: candidates) { return s }
  let prefixed = candidates.filter { $0.lowercased().hasPrefix(word.lowercased()) }
  return prefixed.count == 1 && word.count >= 3 ? prefixed[0] : nil
}

/// Column names of the CSV files and everyday words that are not cq names, with the metric or
/// dimension they mean and why: `total_payout by basis` points to `payout`, `sales` to
/// `revenue` (issue 14: names from `schema` and common synonyms get a pointer).
enum NameSynonyms {
  /// word → (metric, how it relates to the word).
  static let metrics: [String: (name: String, reason: String)] = [
    "total_payout": ("payout", "the sum of total_payout"),
    "payouts": ("payout", "the sum of total_payout"),
    "cost": ("payout", "the sum of total_payout (alias spend)"),
    "costs": ("payout", "the sum of total_payout (alias spend)"),
    "fee": ("payout", "the sum of total_payout"),
    "follower_count": ("followers", "the sum of follower_count over distinct influencers"),
    "follower": ("followers", "the sum of follower_count over distinct influencers"),
    "sales": ("revenue", "the sum of tracking_data.revenue"),
    "gmv": ("revenue", "the sum of tracking_data.revenue"),
    "income": ("revenue", "the sum of tracking_data.revenue"),
    "order": ("orders", "the sum of tracking_data.orders"),
    "purchases": ("orders", "the sum of tracking_data.orders"),
    "impressions": ("reach", "the sum of posts.reach"),
    "views": ("reach", "the sum of posts.reach"),
    "like": ("likes", "the sum of posts.likes"),
    "comment": ("comments", "the sum of posts.comments"),
    "post": ("posts", "the number of posts"),
    "count": (
      "conversions", "the number of tracking rows; 'posts' counts posts, 'influencers' influencers"
    ),
    "rows": ("conversions", "the number of tracking rows"),
    "users": ("customers", "the number of distinct user_id"),
    "user_count": ("customers", "the number of distinct user_id"),
    "return": ("roas", "revenue ÷ payout"),
    "roi_percent": ("roi", "(revenue − payout) ÷ payout"),
  ]

  /// word → (dimension, what it groups by).
  static let dimensions: [String: (name: String, reason: String)] = [
    "influencer_type": ("tier", "nano … mega by follower_count; 'category' is the content niche"),
    "influencer_tier": ("tier", "nano … mega by follower_count"),
    "size": ("tier", "nano … mega by follower_count"),
    "niche": ("category", "the influencer's content category"),
    "name": ("influencer", "the influencer's name"),
    "influencer_name": ("influencer", "the influencer's name"),
    "user_id": ("user", "tracking_data.user_id"),
    "customer": ("user", "tracking_data.user_id"),
    "customers": ("user", "tracking_data.user_id"),
    "sex": ("gender", "the influencer's gender"),
    "channel": ("source", "tracking_data.source"),
    "date": ("day", "the row's date"),
    "dates": ("day", "the row's date"),
    "days": ("day", "the row's date"),
    "weeks": ("week", "ISO weeks, labelled by their Monday"),
    "months": ("month", "calendar months"),
    "payout_basis": ("basis", "payouts.basis"),
    "payout_status": ("status", "payouts.status"),
    "platforms": ("platform", "the influencer's platform; 'post_platform' is the post's"),
  ]
}
