/// The fixed word lists the simulator draws from: names, brands, products, campaigns, captions.
///
/// Everything here is constant, so a data set depends only on the seed and the scale. Text
/// fields are pre-encoded as CSV (RFC 4180: quoted when they hold a comma, quote or newline,
/// quotes doubled) once, then copied as bytes on the hot path.
enum Vocabulary {
  static let categories = ["Fitness", "Health", "Lifestyle", "Parenting"]
  static let categoryWeights = [35, 25, 25, 15]
  static let genders = ["Male", "Female", "Other"]
  static let platforms = ["Instagram", "YouTube", "Twitter", "TikTok"]
  static let platformWeights = [50, 25, 10, 15]
  /// Likes per reach on each platform, in percent of the influencer's typical rate.
  static let platformEngagement = [100, 80, 55, 140]
  /// Traffic sources; the first four follow the post's platform.
  static let sources = ["instagram.com", "youtube.com", "t.co", "tiktok.com", "google", "direct"]

  static let brands = ["MuscleBlaze", "HKVitals", "Gritzo"]

  /// A campaign: its primary brand and the days (0 = 2025-04-23) it runs.
  struct Campaign {
    var name: String
    var brand: Int
    var firstDay: Int
    var lastDay: Int
  }

  /// Ten staggered campaigns inside the 91-day window.
  static let campaigns: [Campaign] = [
    Campaign(name: "Campaign_1", brand: 0, firstDay: 0, lastDay: 41),
    Campaign(name: "Campaign_2", brand: 1, firstDay: 7, lastDay: 41),
    Campaign(name: "Campaign_3", brand: 2, firstDay: 14, lastDay: 55),
    Campaign(name: "Campaign_4", brand: 0, firstDay: 21, lastDay: 69),
    Campaign(name: "Campaign_5", brand: 1, firstDay: 28, lastDay: 62),
    Campaign(name: "Campaign_6", brand: 0, firstDay: 35, lastDay: 90),
    Campaign(name: "Campaign_7", brand: 2, firstDay: 42, lastDay: 83),
    Campaign(name: "Campaign_8", brand: 1, firstDay: 49, lastDay: 90),
    Campaign(name: "Campaign_9", brand: 0, firstDay: 56, lastDay: 90),
    Campaign(name: "Campaign_10", brand: 2, firstDay: 63, lastDay: 90),
  ]

  /// Affinity of each category (row) for each brand (column): who gets signed for what.
  static let brandAffinity: [[Int]] = [
    [6, 2, 1],  // Fitness
    [2, 6, 1],  // Health
    [3, 3, 2],  // Lifestyle
    [1, 2, 6],  // Parenting
  ]

  /// A product: its name, brand and typical price per order in rupees.
  struct Product {
    var name: String
    var brand: Int
    var price: Int
  }

  /// Eight products per brand, most popular first.
  static let products: [Product] = [
    Product(name: "Biozyme Performance Whey", brand: 0, price: 389),
    Product(name: "Raw Whey Protein", brand: 0, price: 299),
    Product(name: "Whey Gold", brand: 0, price: 419),
    Product(name: "Mass Gainer XXL", brand: 0, price: 259),
    Product(name: "Creatine Monohydrate", brand: 0, price: 179),
    Product(name: "Pre-Workout 200", brand: 0, price: 209),
    Product(name: "Fish Oil Gold", brand: 0, price: 149),
    Product(name: "High Protein Oats", brand: 0, price: 109),
    Product(name: "Multivitamin Men", brand: 1, price: 169),
    Product(name: "Multivitamin Women", brand: 1, price: 169),
    Product(name: "Fish Oil", brand: 1, price: 139),
    Product(name: "Biotin", brand: 1, price: 119),
    Product(name: "Skin Radiance Collagen", brand: 1, price: 229),
    Product(name: "ProbioFiber", brand: 1, price: 129),
    Product(name: "Vitamin D3 + K2", brand: 1, price: 109),
    Product(name: "Apple Cider Vinegar", brand: 1, price: 89),
    Product(name: "SuperMilk 3-7 Y", brand: 2, price: 189),
    Product(name: "SuperMilk 8-12 Y (Boys)", brand: 2, price: 199),
    Product(name: "SuperMilk 8-12 Y (Girls)", brand: 2, price: 199),
    Product(name: "SuperMilk 13+ Y (Boys)", brand: 2, price: 209),
    Product(name: "SuperMilk 13+ Y (Girls)", brand: 2, price: 209),
    Product(name: "SuperMilk Young Athletes", brand: 2, price: 239),
    Product(name: "SuperMilk Fussy Eaters", brand: 2, price: 189),
    Product(name: "Gritzo Protein Bar", brand: 2, price: 59),
  ]
  static let productsPerBrand = 8
  /// Relative popularity of a brand's products, in catalogue order.
  static let productWeights = [30, 22, 14, 10, 9, 7, 5, 3]
  /// Orders per tracking row, 1...9.
  static let orderWeights = [62, 18, 8, 4, 3, 2, 1, 1, 1]

  // MARK: Names

  /// A name part: display text, its ASCII form for handles, and for first names whether it
  /// is a woman's name.
  typealias Word = (text: String, ascii: String, female: Bool)

  static let latinFirst: [Word] =
    [
      "Aarav", "Vivaan", "Aditya", "Arjun", "Reyansh", "Ishaan", "Kabir", "Rohan", "Vihaan",
      "Krishna", "Rahul", "Karan", "Nikhil", "Siddharth", "Varun", "Yash", "Dev", "Aryan", "Kunal",
      "Manish", "Imran", "Farhan", "Harpreet", "Arun",
    ].map { ($0, $0.lowercased(), false) }
    + [
      "Ananya", "Diya", "Aadhya", "Saanvi", "Pari", "Isha", "Kavya", "Myra", "Riya", "Sneha",
      "Pooja", "Neha", "Priya", "Tanvi", "Meera", "Nisha", "Shreya", "Aisha", "Fatima", "Zara",
      "Gurleen", "Simran", "Jaspreet", "Lakshmi",
    ].map { ($0, $0.lowercased(), true) }

  static let accentedFirst: [Word] = [
    ("Zoë", "zoe", true), ("José", "jose", false), ("Chloé", "chloe", true),
    ("Renée", "renee", true), ("Inés", "ines", true), ("André", "andre", false),
    ("Noël", "noel", false), ("Anaïs", "anais", true), ("Léa", "lea", true),
    ("Joaquín", "joaquin", false), ("Amélie", "amelie", true), ("Raphaël", "raphael", false),
  ]

  static let latinLast: [Word] = [
    "Sharma", "Verma", "Gupta", "Singh", "Patel", "Reddy", "Nair", "Iyer", "Menon", "Rao",
    "Kapoor", "Malhotra", "Khanna", "Mehta", "Shah", "Joshi", "Desai", "Kulkarni", "Chatterjee",
    "Banerjee", "Das", "Bose", "Mukherjee", "Pillai", "Fernandes", "D'Souza", "D'Costa",
    "D'Mello", "Pereira", "Gill", "Sandhu", "Khan", "Ahmed", "Siddiqui", "Chopra", "Bhatia",
    "Saxena", "Agarwal", "Jain", "Thakur",
  ].map { ($0, $0.lowercased().filter { $0 != "'" }, false) }

  static let devanagariFirst: [Word] = [
    ("आरव", "aarav", false), ("विवान", "vivaan", false),
    ("अर्जुन", "arjun", false), ("ईशान", "ishaan", false),
    ("कबीर", "kabir", false), ("रोहन", "rohan", false),
    ("करण", "karan", false), ("यश", "yash", false),
    ("देव", "dev", false), ("आदित्य", "aditya", false),
    ("सिद्धार्थ", "siddharth", false), ("वरुण", "varun", false),
    ("अनन्या", "ananya", true), ("दिया", "diya", true),
    ("सान्वी", "saanvi", true), ("ईशा", "isha", true),
    ("काव्या", "kavya", true), ("मायरा", "myra", true),
    ("रिया", "riya", true), ("स्नेहा", "sneha", true),
    ("पूजा", "pooja", true), ("नेहा", "neha", true),
    ("प्रिया", "priya", true), ("मीरा", "meera", true),
  ]

  static let devanagariLast: [Word] = [
    ("शर्मा", "sharma", false), ("वर्मा", "verma", false),
    ("गुप्ता", "gupta", false), ("सिंह", "singh", false),
    ("पटेल", "patel", false), ("जोशी", "joshi", false),
    ("मेहता", "mehta", false), ("कपूर", "kapoor", false),
    ("खन्ना", "khanna", false), ("शाह", "shah", false),
    ("देसाई", "desai", false), ("अग्रवाल", "agarwal", false),
    ("जैन", "jain", false), ("ठाकुर", "thakur", false),
    ("यादव", "yadav", false), ("मिश्रा", "mishra", false),
    ("पांडे", "pandey", false), ("तिवारी", "tiwari", false),
    ("चौहान", "chauhan", false), ("राठौर", "rathore", false),
  ]

  /// The number of distinct first-last combinations.
  static var nameCombinations: Int {
    latinFirst.count * latinLast.count + accentedFirst.count * latinLast.count
      + devanagariFirst.count * devanagariLast.count
  }

  /// The first and last name of combination `k` (`0..<nameCombinations`).
  static func nameParts(_ k: Int) -> (first: Word, last: Word) {
    var k = k
    let a = latinFirst.count * latinLast.count
    if k < a { return (latinFirst[k / latinLast.count], latinLast[k % latinLast.count]) }
    k -= a
    let b = accentedFirst.count * latinLast.count
    if k < b { return (accentedFirst[k / latinLast.count], latinLast[k % latinLast.count]) }
    k -= b
    let n = devanagariLast.count
    return (devanagariFirst[(k / n) % devanagariFirst.count], devanagariLast[k % n])
  }

  // MARK: Captions

  /// Caption templates: `{p}` is a product, `{b}` the brand; with relative weights.
  static let captionTemplates: [(text: String, weight: Int)] = [
    ("Day 30 with {p}, and honestly? Game changer 💪 #{b}", 10),
    ("\"Consistency beats intensity,\" my coach says. {p} keeps me consistent #{b} #ad", 9),
    ("Honest review: {p} — taste 8/10, mixability 9/10 ✅", 10),
    ("Link in bio, use code FIT10 for 10% off {p}!", 9),
    ("Not sponsored... okay, it is 😅 but I really do use {p}", 7),
    ("Morning stack: {p}, black coffee, and a 5 km run 🏃‍♀️", 8),
    ("Q&A: \"how do you hit your protein?\" Food first, then {p}", 7),
    ("New video is up!\nUnboxing {p} + first taste 🎥", 2),
    ("Swipe ➡️ for my \"before/after\" (results may vary), powered by {p}", 6),
    ("#{b} x me = ❤️ #collab", 8),
    ("सुबह की शुरुआत {p} के साथ 💪 #{b}", 6),
    ("Giveaway! Tag 3 friends, follow @{b}, win {p} 🎁", 6),
    ("My mom asked, \"is this chocolate?\" — yes, it's {p} 😄", 5),
    ("Week 2 update: energy up, cravings down. {p}, you're doing something right 🙌🏽", 7),
  ]

  /// A value encoded as one CSV field.
  static func csvField(_ value: String) -> [UInt8] {
    let needsQuotes = value.utf8.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
    guard needsQuotes else { return Array(value.utf8) }
    var out: [UInt8] = [0x22]
    for b in value.utf8 {
      if b == 0x22 { out.append(0x22) }
      out.append(b)
    }
    out.append(0x22)
    return out
  }
}
