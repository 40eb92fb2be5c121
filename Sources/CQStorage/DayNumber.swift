/// Calendar arithmetic on day numbers (days since 1970-01-01, proleptic Gregorian).
///
/// Pure integer arithmetic (Howard Hinnant's civil-date algorithms); no Foundation.
public enum DayNumber {
  /// The day number of a civil date; `nil` when the date does not exist.
  public static func from(year: Int, month: Int, day: Int) -> Int32? {
    guard (1...12).contains(month), year > 0, year < 10_000, day >= 1,
      day <= daysIn(month: month, year: year)
    else {
      return nil
    }
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let mp = (month + 9) % 12
    let doy = (153 * mp + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return Int32(era * 146_097 + doe - 719_468)
  }

  /// The civil date of a day number.
  public static func civil(_ day: Int32) -> (year: Int, month: Int, day: Int) {
    let z = Int(day) + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
    let y = yoe + era * 400
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    return (m <= 2 ? y + 1 : y, m, d)
  }

  /// Whether `year` is a leap year of the proleptic Gregorian calendar.
  public static func isLeap(_ year: Int) -> Bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
  }

  /// The number of days in `month` (1–12) of `year`.
  public static func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2: isLeap(year) ? 29 : 28
    case 4, 6, 9, 11: 30
    default: 31
    }
  }

  /// 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday).
  public static func weekday(_ day: Int32) -> Int {
    let w = (Int(day) + 3) % 7
    return w < 0 ? w + 7 : w
  }

  /// The Monday on or before `day` (ISO weeks start on Monday).
  public static func monday(of day: Int32) -> Int32 { day - Int32(weekday(day)) }

  /// `YYYY-MM-DD`.
  public static func isoString(_ day: Int32) -> String {
    let (y, m, d) = civil(day)
    return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
  }

  /// Parses `YYYY-MM-DD` strictly.
  public static func parse(_ text: some StringProtocol) -> Int32? {
    let u = Array(text.utf8)
    guard u.count == 10, u[4] == UInt8(ascii: "-"), u[7] == UInt8(ascii: "-") else { return nil }
    guard let y = digits(u[0..<4]), let m = digits(u[5..<7]), let d = digits(u[8..<10]) else {
      return nil
    }
    return from(year: y, month: m, day: d)
  }

  static func digits(_ s: ArraySlice<UInt8>) -> Int? {
    var v = 0
    for c in s {
      guard c >= 48, c <= 57 else { return nil }
      v = v * 10 + Int(c - 48)
    }
    return v
  }

  static func pad(_ v: Int, _ width: Int) -> String {
    let s = String(v)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
  }

  /// Short weekday names, Monday first, indexed as ``weekday(_:)`` numbers the days.
  public static let weekdayNames = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
}
