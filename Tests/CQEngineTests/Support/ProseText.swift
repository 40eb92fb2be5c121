import CQRendering
import CQStorage

extension Prose {
  /// The prose as a session with the default settings writes it (`₹`, western grouping), for
  /// comparing with expected text.
  var text: String { ProseRenderer.render(self, options: RenderOptions()) }
}

extension Array where Element == Prose {
  /// Each line as a session with the default settings writes it.
  var texts: [String] { map(\.text) }
}
