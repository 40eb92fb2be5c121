/// "Did you mean": the closest candidate within a small edit distance, case-insensitive.
func closestName(to word: String, among candidates: [String]) -> String? {
  let w = Array(word.lowercased())
  guard !w.isEmpty else { return nil }
  var best: (String, Int)?
  for c in candidates {
    let d = editDistance(w, Array(c.lowercased()))
    let limit = max(1, min(3, w.count / 3 + 1))
    if d <= limit, best == nil || d < best!.1 { best = (c, d) }
  }
  if best == nil {
    // A unique candidate that starts with what was typed (`musc` → MuscleBlaze).
    let prefixed = candidates.filter { $0.lowercased().hasPrefix(word.lowercased()) }
    if prefixed.count == 1, word.count >= 3 { return prefixed[0] }
  }
  return best?.0
}

func editDistance(_ a: [Character], _ b: [Character]) -> Int {
  if a.isEmpty { return b.count }
  if b.isEmpty { return a.count }
  var prev = Array(0...b.count)
  var cur = Array(repeating: 0, count: b.count + 1)
  for i in 1...a.count {
    cur[0] = i
    for j in 1...b.count {
      let cost = a[i - 1] == b[j - 1] ? 0 : 1
      cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
    }
    swap(&prev, &cur)
  }
  return prev[b.count]
}
