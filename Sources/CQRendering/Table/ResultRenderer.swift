import CQStorage

/// Renders a ``ResultSet`` in any ``OutputFormat``.
///
/// ```
/// cq> roas by campaign            -- a table on the terminal
/// cq> roas by campaign > roas.csv -- csv, from the extension
/// ```
public enum ResultRenderer {
  /// The result as text in `format`, ending in a newline.
  public static func render(_ result: ResultSet, format: OutputFormat, options: RenderOptions)
    -> String
  {
    render(result, format: format, options: options, includeHeader: true)
  }

  /// The result as text.
  ///
  /// With `includeHeader: false` csv and tsv leave out the header line (for appending to a file
  /// that already has one). Other formats ignore the flag.
  public static func render(
    _ result: ResultSet, format: OutputFormat, options: RenderOptions, includeHeader: Bool
  ) -> String {
    var text = ""
    render(result, format: format, options: options, includeHeader: includeHeader, to: &text)
    return text
  }

  /// Writes the result in `format` to `out`.
  ///
  /// - Complexity: O(*r* × *c*) in the rows and columns of the result.
  public static func render(
    _ result: ResultSet, format: OutputFormat, options: RenderOptions, includeHeader: Bool = true,
    to out: inout some TextOutputStream
  ) {
    switch format {
    case .table: TableRenderer(options: options).render(result, to: &out)
    case .csv: MachineFormats.csv(result, includeHeader: includeHeader, to: &out)
    case .tsv: MachineFormats.tsv(result, includeHeader: includeHeader, to: &out)
    case .json: MachineFormats.json(result, to: &out)
    case .ndjson: MachineFormats.ndjson(result, to: &out)
    case .markdown: MachineFormats.markdown(result, options: options, to: &out)
    // A page is a report the session assembles (``HTMLReport``); alone, a result is its table.
    case .html, .pdf: out.write(HTMLReport.table(result, options: options))
    }
  }
}
