import CQLanguage

/// "Did you mean" for names and values: the parser's `suggestion(for:among:)`, or else the one
/// candidate that starts with what was typed (`musc` → MuscleBlaze).
func closestName(to word: String, among candidates: [String]) -> String? {
  if let s = suggestion(for: word, among: candidates) { return s }
  let prefixed = candidates.filter { $0.lowercased().hasPrefix(word.lowercased()) }
  return prefixed.count == 1 && word.count >= 3 ? prefixed[0] : nil
}
