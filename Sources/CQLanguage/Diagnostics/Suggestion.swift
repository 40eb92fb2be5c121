/// The candidate closest to `word`, for "did you mean" in the parser and the binder.
///
/// Compares case-insensitively by edit distance, counting an adjacent transposition
/// (`shwo` → `show`) as one edit. A candidate is offered only within
/// `max(1, min(3, word.count / 3))` edits; ties go to the earlier candidate.
///
/// ```
/// suggestion(for: "MusleBlaze", among: ["HKVitals", "MuscleBlaze"])  // "MuscleBlaze"
/// ```
///
/// - Complexity: O(*c* · *w* · *l*) for *c* candidates of length *l* and a word of length *w*;
///   candidates whose length differs by more than the allowance are skipped in O(1).
public func suggestion(for word: String, among candidates: [String]) -> String? {
  let target = Array(word.lowercased())
  guard !target.isEmpty else { return nil }
  let allowance = max(1, min(3, target.count / 3))
  var best: (candidate: String, distance: Int)?
  for candidate in candidates {
    let other = Array(candidate.lowercased())
    if abs(other.count - target.count) > allowance { continue }
    let distance = editDistance(target, other)
    if distance <= allowance, distance < (best?.distance ?? Int.max) {
      best = (candidate, distance)
    }
  }
  return best?.candidate
}

/// Optimal-string-alignment distance: insertions, deletions, substitutions, transpositions.
func editDistance(_ a: [Character], _ b: [Character]) -> Int {
  if a.isEmpty { return b.count }
  if b.isEmpty { return a.count }
  var previous2 = [Int](repeating: 0, count: b.count + 1)
  var previous = Array(0...b.count)
  var current = [Int](repeating: 0, count: b.count + 1)
  for i in 1...a.count {
    current[0] = i
    for j in 1...b.count {
      let cost = a[i - 1] == b[j - 1] ? 0 : 1
      var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
      if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
        value = min(value, previous2[j - 2] + 1)
      }
      current[j] = value
    }
    (previous2, previous, current) = (previous, current, previous2)
  }
  return previous[b.count]
}
