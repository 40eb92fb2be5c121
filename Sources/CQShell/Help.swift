import CQEngine
import CQLanguage
import CQRendering
import Foundation

/// The text of `help` and `help TOPIC`.
///
/// ```
/// help
/// help roas
/// help allocation
/// ```
///
/// ## Topics
/// - ``overview()``
/// - ``topic(_:)``
/// - ``topics``
public enum Help {
  /// What `help` prints: what cq is, runnable examples, the statements, and the topics.
  public static func overview() -> String {
    """
    cq — ask questions of influencer-campaign data, one statement per line.

    Try these on the bundled data:
      roas by campaign where brand=MuscleBlaze       return on payout per campaign
      top 10 influencer by revenue where platform=Instagram
      revenue by week chart line                     weekly revenue as a line chart
      explain roas by brand                          how cq computed it, in words
      engagement_rate by platform                    likes+comments ÷ reach
      incremental_roas by campaign                   new-customer revenue ÷ payout
      lift_revenue, iroas by brand                   measured lift (needs store_orders)

    Statements
      METRICS [by DIMENSIONS] [where CONDITION] [having CONDITION]
              [order by KEY [asc|desc], ...] [limit N] [chart KIND] [> FILE | >> FILE]
      top N ... | bottom N ...     best or worst N groups by a metric
      explain QUERY                the plan in words: facts, grains, joins, allocation
      describe NAME                a metric, dimension or table, with an example
      show metrics | dimensions | tables | segments | settings
      schema                       tables, columns, row counts, how they join
      sample TABLE [N]             raw rows
      define metric NAME = EXPR    define segment NAME = CONDITION
      set NAME VALUE               format, width, rows, color, totals, allocation, ...
      last [chart KIND] [> FILE]   the previous result again, charted or saved
      save [FILE]                  keep this session's defines and settings in ~/.cqrc
      load DIR | run FILE | tutorial | clear | quit

    Keys: Tab completes names and values (brand=Mu<Tab>), Up/Down recall history,
    Ctrl-C cancels the line or a running query, Ctrl-D leaves.

    More help: help TOPIC, with TOPIC one of
      statements  \(statementTopics.prefix(8).joined(separator: " "))
                  \(statementTopics.dropFirst(8).joined(separator: " "))
      metrics     \(metricTopics.joined(separator: " "))
      language    \(languageTopics.joined(separator: " "))
      shell       \(shellTopics.joined(separator: " "))  (editing, history, completion, continuation)
    or a metric or dimension name (help roas). New here? Type: tutorial
    """
  }

  /// Every topic name `help TOPIC` accepts (aliases such as metric names not included).
  public static var topics: [String] {
    ["statements"] + statementTopics + metricTopics + ["language"] + languageTopics + shellTopics
  }

  /// The text for `help TOPIC`, or `nil` for an unknown topic (the caller suggests one).
  ///
  /// Case-insensitive; also accepts metric names (`roas` → `spend`), dimension names,
  /// plurals and a few aliases (`bottom`, `output`, `chart`).
  public static func topic(_ name: String) -> String? {
    let key = name.trimmingCharacters(in: .whitespaces).lowercased()
    if let text = texts[key] { return text }
    // A metric: its own entry from the catalogue, then its family.
    if let metric = MetricCatalog.documented.first(where: { $0.name == key }),
      let family = texts[metric.family]
    {
      return entry(metric) + "\n\n" + family
    }
    if let target = aliases[key], let text = texts[target] { return text }
    return nil
  }

  /// Each format of ``OutputFormat`` with what it is for and its file extensions.
  static var formatList: String {
    OutputFormat.allCases.map { format in
      format.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0) + format.summary + " ("
        + format.fileExtensions.map { "." + $0 }.joined(separator: " ") + ")"
    }.joined(separator: "\n  ")
  }

  /// Each chart of ``ChartKind`` with what it draws and an example.
  static var chartList: String {
    ChartKind.allCases.map { kind in
      "  " + kind.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0) + kind.summary + "\n"
        + String(repeating: " ", count: 12) + kind.example
    }.joined(separator: "\n")
  }

  /// A metric's entry, from its declaration in the catalogue: summary, formula, family,
  /// example and caveats.
  static func entry(_ metric: MetricDefinition) -> String {
    let aliases = MetricCatalog().aliases(of: metric.name)
    var lines = [
      metric.name + (aliases.isEmpty ? "" : " (alias \(aliases.joined(separator: ", ")))") + " — "
        + metric.summary,
      "",
      "  formula  " + metric.formulaText,
      "  family   \(metric.family) (help \(metric.family))",
    ]
    if !metric.example.isEmpty { lines.append("  example  " + metric.example) }
    if let caveats = metric.caveats { lines.append("  caveat   " + caveats) }
    return lines.joined(separator: "\n")
  }

  /// `help metrics`' list: each family's metrics in catalogue order, wrapped to 88 columns.
  static var metricFamilies: String {
    var lines: [String] = []
    let catalog = MetricCatalog()
    for family in MetricCatalog.families {
      let head = "  " + family.padding(toLength: 16, withPad: " ", startingAt: 0)
      var words: [String] = []
      for metric in MetricCatalog.documented where metric.family == family {
        if metric.name.hasSuffix("_low") || metric.name.hasSuffix("_high") { continue }
        let aliases = catalog.aliases(of: metric.name)
        words.append(metric.name + (aliases.isEmpty ? "" : " (\(aliases.joined(separator: ", ")))"))
        if metric.name == "iroas" {
          words.append("(with store_orders; *_low, *_high: interval)")
        }
      }
      lines += TextWrap.hanging(words.joined(separator: " "), after: head, width: 88)
    }
    return lines.joined(separator: "\n")
  }

  static let statementTopics = [
    "query", "top", "explain", "describe", "show", "schema", "sample", "use", "define", "set",
    "save", "last",
    "load", "run", "help", "tutorial", "clear", "quit",
  ]
  static let metricTopics = [
    "metrics", "sales", "incrementality", "engagement", "spend",
    "allocation",
  ]
  static let languageTopics =
    ["dimensions", "conditions", "formats", "charts"] + ChartKind.allCases.map(\.rawValue)
  static let shellTopics = ["keys"]

  static let aliases: [String: String] = {
    var map: [String: String] = [
      "bottom": "top", "queries": "query", "output": "formats", "format": "formats",
      "redirect": "formats", "redirects": "formats", "chart": "charts", "condition": "conditions",
      "where": "conditions", "having": "conditions", "dimension": "dimensions",
      "metric": "metrics", "exit": "quit", "segment": "define", "segments": "define",
      "settings": "set", "setting": "set",
      "by": "query", "order": "query", "limit": "query", "tables": "schema", "table": "schema",
      "statement": "statements", "commands": "statements", "command": "statements",
      "history": "keys", "completion": "keys", "complete": "keys", "tab": "keys",
      "editing": "keys", "shell": "keys", "key": "keys", "continuation": "keys",
      "cqrc": "save", ".cqrc": "save", "~/.cqrc": "save", "rc": "save", "startup": "save",
      "params": "run", "param": "run", "parameters": "run", "echo": "run",
    ]
    for kind in ChartKind.allCases {
      for spelling in kind.spellings { map[spelling] = kind.rawValue }
    }
    // Each metric's family comes from the catalogue (MetricDefinition.family).
    for metric in MetricCatalog.documented { map[metric.name] = metric.family }
    for word in ["lift", "incremental"] { map[word] = "incrementality" }
    for word in ["err", "erf"] { map[word] = "engagement" }
    map["payouts"] = "spend"
    for dimension in [
      "influencer", "influencer_id", "category", "gender", "platform", "tier", "tiers",
      "campaign", "brand", "product", "source", "user", "basis", "status", "post_platform",
      "day", "date", "week", "month", "quarter", "year", "weekday", "time",
    ] where map[dimension] == nil {
      map[dimension] = "dimensions"
    }
    map["unattributed"] = "allocation"
    map["(unattributed)"] = "allocation"
    return map
  }()

  private static let texts: [String: String] = [
    "statements": """
    statements — what you can type (help STATEMENT for each)

      METRICS by DIMENSIONS ...  a query (help query)
      top N ... | bottom N ...   the best or worst N groups (help top)
      explain QUERY              how cq computes a query, in words
      describe NAME              a metric, dimension or table, with an example
      show metrics | dimensions | tables | segments | settings
      schema                     tables, columns, row counts, how they join
      sample TABLE [N]           raw rows
      define metric NAME = EXPR  define segment NAME = CONDITION
      set NAME VALUE             change a setting (help set)
      last [chart KIND] [> FILE] the previous result again
      save [FILE]                keep the session's defines and settings (~/.cqrc)
      load DIR                   another data folder
      run FILE                   a script of statements
      help [TOPIC] | tutorial | clear | quit

      revenue by campaign
      describe roas
      show settings
    """,
    "language": """
    language — the words statements are made of (help TOPIC for each)

      dimensions   what you group and filter by: campaign, brand, platform, week, ...
      conditions   where and having: = != < <= > >= in between ~ and or not
      formats      set format csv, > FILE and >> FILE
      charts       chart \(ChartKind.allCases.map(\.rawValue).joined(separator: " | "))

    Names and keywords are case-insensitive; plural dimension names work (by
    campaigns). Values are bare words, "quoted strings", numbers, dates and months.
    Comments start with -- or #.

      revenue by brand, month where date between 2025-05-01 and 2025-06-30
      roas by campaign where brand=MuscleBlaze chart bar
    """,
    "keys": """
    keys — line editing, history, completion and continuation in the shell

      Tab           complete the word: statements, metrics, dimensions, settings,
                    file names (after run, load, > and >>) and dimension values
                    (brand=Mu<Tab>, platform in (Ins<Tab>, product="Whey<Tab>);
                    a second Tab lists the candidates
      Up / Down     recall earlier statements, also from earlier sessions
      Ctrl-R        search the history backwards
      Ctrl-A Ctrl-E start / end of the line; Ctrl-W deletes a word, Ctrl-U the line
      Ctrl-C        cancel the line being typed, or stop a running query
      Ctrl-D        leave cq (on an empty line)

    A line ending in \\ or inside an open parenthesis continues on the next line at
    the ...> prompt; Ctrl-C there drops the whole statement.

    History is saved as you go to $CQ_HISTORY if set (empty: not saved), else to
    $XDG_STATE_HOME/cq/history if XDG_STATE_HOME is set, else to ~/.cq_history.
    Only statements typed at the prompt are saved, not those from -c, run or a pipe.
    Keys are emacs-style; put "cq:bind -v" in ~/.editrc for vi keys.

      revenue by brand \\
        where platform in (Instagram,
        YouTube)
    """,
    "query": """
    query — metrics, grouped and filtered

      METRICS [by DIMENSIONS] [where CONDITION] [having CONDITION]
              [order by KEY [asc|desc], ...] [limit N [with other]] [chart KIND]
              [> FILE | >> FILE]

    METRICS and DIMENSIONS are comma-separated names (help metrics, help dimensions);
    plural dimension names work (by campaigns). The result has the dimensions in the
    order written, then the metrics in the order written.

      revenue, orders by campaign
      roas by campaign where brand=MuscleBlaze
      revenue by brand, month where date between 2025-05-01 and 2025-06-30
      roas by influencer having payout > 10000 order by roas desc limit 20
      revenue by week chart line
      roas by campaign > roas.csv

    where filters rows before they are added up; having filters result rows by a
    metric. Without order by, time dimensions sort ascending, otherwise the first
    metric descending. Ratios (roas, aov, engagement_rate, ...) are ratios of sums at
    the result's grain, never averages of per-row ratios, and each fact table is added
    up on its own before joining, so a payout is never counted once per order row.
    A metric with no way to reach a dimension (engagement_rate by brand: posts carry
    no brand) is an error that says why.

      revenue, share(revenue) by brand       share of the column total (a percent)
      revenue, change(revenue) by month      against the previous month, same filters
      orders by gender across category       categories as columns (a pivot)

    share takes a metric that adds up; change needs a time dimension in 'by' and notes
    partial first and last periods; across cannot be combined with top, limit or charts.
    See also: help top, help conditions, help formats, help charts, help explain
    """,
    "top": """
    top N / bottom N — the best or worst N groups

      top 10 influencer by revenue where platform=Instagram
      bottom 5 campaign by roas
      top 3 brand by revenue chart bar

    top N DIMENSIONS by METRIC is the same as
      METRIC by DIMENSIONS order by METRIC desc limit N
    and bottom N sorts ascending. Columns come out as written: top 10 influencer by
    revenue gives influencer, revenue. Conditions, charts and redirects work as in any
    query (help query).
    """,
    "explain": """
    explain QUERY — how cq answers a query, in the analyst's words

      explain roas by brand
      explain top 10 influencer by revenue where platform=Instagram

    Shows which facts are read (tracking_data, posts, payouts), the grain each is added
    up to, how they are joined, which filters apply where, and whether payouts were
    spread over orders (allocation) and why, e.g. "payout spread over orders because
    brand is not a payout column".

      explain plan roas by brand    the logical plan, one step a line (Aggregate,
                                    Allocate, Filter with the values it keeps, Join,
                                    Project, Having, Sort, Limit), the same on every engine
      explain sql roas by brand     the SQL a database engine is sent (cq --engine)
    See also: help allocation
    """,
    "describe": """
    describe NAME — a metric, dimension or table

      describe roas
      describe tier
      describe payouts

    Gives the formula (for a metric), the source (the table and column it comes from),
    the dimensions it can reach, and an example query with its first rows. describe
    says when payouts get spread over orders (help allocation).
    """,
    "show": """
    show — list what exists

      show metrics       every metric, with its formula
      show dimensions    every dimension and where it comes from
      show tables        the loaded tables with row counts
      show segments      segments made with define segment
      show settings      every setting and its current value
      show params        the script parameters ($NAME) and their values
    """,
    "schema": """
    schema — the data model

      schema

    Lists the tables, their columns and types, row counts, and how they relate:
      influencers     id, name, category, gender, follower_count, platform
      posts           influencer_id, platform, date, url, caption, reach, likes,
                      comments (campaign optional)
      tracking_data   source, campaign, influencer_id, user_id, product, date, orders,
                      revenue (brand optional)
      payouts         influencer_id, basis, rate, orders, total_payout
                      (campaign, posts, status optional)
      store_orders    optional: date, user_id, product, brand, orders, revenue,
                      source — every order of the store, the baseline for
                      lift_revenue and iroas
    Every fact table references influencers.id; tracking_data and payouts share
    campaign when payouts have that column.
    """,
    "sample": """
    sample TABLE [N] [where CONDITION] — raw rows of a table

      sample payouts
      sample tracking_data 20
      sample tracking_data 20 where influencer_id=17 and campaign=Campaign_4
      sample posts 100 > posts.csv

    Shows the first N rows (default 10) as loaded, before any aggregation; with where,
    only the rows that satisfy it (influencers, posts, tracking_data and payouts, by the
    dimensions their rows carry) — for reconciling a payout against its orders.
    """,
    "use": """
    use CONDITION — filter every following query, like a dashboard slicer

      use brand=MuscleBlaze and date >= 2025-06-01
      roas by campaign             (only MuscleBlaze, from June)
      use                          show the filter in force
      use none                     every row again

    The condition is checked as 'where' is (help conditions) and joined with each
    query's own 'where' by 'and'. The prompt shows it (cq[brand=MuscleBlaze]>), and
    results and explain say it applies.
    """,
    "define": """
    define — name a metric or a segment for this session

      define metric profit = revenue - payout
      define metric revenue_per_post = revenue / posts
      define segment mb_insta = brand=MuscleBlaze and platform=Instagram

    A metric is arithmetic (+ - * / and parentheses) over metrics and numbers; it is
    computed from the parts' sums at the result's grain, like the built-in ratios. A
    segment is a condition (help conditions) you can then use by name:

      revenue by campaign where mb_insta
      show segments
    """,
    "set": """
    set NAME VALUE — change a setting for this session (show settings lists them)

    \(Setting.helpList)

      set format csv
      set grouping indian
      set tiers 5k 20k 200k 1M
      set allocation revenue
    """,
    "save": """
    save [FILE] — keep this session's definitions and settings for the next one

      define metric profit = revenue - payout
      set grouping indian
      save                      adds both to ~/.cqrc (or $CQRC)
      save team.cqrc            or to another file

    cq runs ~/.cqrc (or the file $CQRC names) when it starts, after loading the data:
    one statement per line, as in a script (help run); cq --norc skips it, and an
    error in it is reported with its line and cq starts anyway. save writes each
    define metric and define segment of the session, and each setting set changed;
    a statement the file already has is left alone, one it has in another form
    (a redefined metric, another value) is replaced where it stands, and the rest
    is appended. Parameters (set param) and the session filter (use) are not saved.
    """,
    "last": """
    last — the previous result again

      last                      show it again
      last chart bar            chart it (help charts)
      last > result.csv         save it (format from the extension)
      last chart line > trend.txt

    Nothing is recomputed.
    """,
    "load": """
    load DIR — load another data folder

      load data
      load ~/exports/june

    The folder holds influencers.csv, posts.csv, tracking_data.csv, payouts.csv (and
    optionally products.csv and store_orders.csv). Every rejected value is reported
    as FILE:LINE: column 'NAME': expected KIND, found "TEXT", and nothing is
    half-loaded: on an error the previous data stays loaded.
    """,
    "run": """
    run FILE — run the statements of a script

      run weekly.cq

    One statement per line or separated by ';'; '--' and '#' start comments; a line
    ending in '\\' or inside an open parenthesis continues on the next line. The script
    stops at the first error, reported as FILE:LINE:COL: message. From the command
    line: cq run FILE.cq, or cq -c 'STATEMENT'.

    Parameters: $NAME (or ${NAME}) in a statement stands for a value given with
    --param NAME=VALUE or set param NAME VALUE, put in before the statement is read.
    A value that is one word, number or date goes in as it is; any other value goes
    in as one quoted string, so spaces or quotes in it never split it. An unset one
    is an error naming it (exit 2). show params lists them.

      cq run weekly.cq --param week=2025-06-02 --param product="Raw Whey Protein"
      revenue by campaign where week = $week and product = $product   (weekly.cq)

    --echo (or set echo on) writes each statement before its result, as a line
    '-- STATEMENT', so a report's output says what produced each table.
    """,
    "help": """
    help [TOPIC] — this help

      help               the overview with examples
      help roas          the family a metric belongs to
      help allocation    how payouts are spread over orders
    """,
    "tutorial": """
    tutorial — a guided walk through the data

      tutorial

    Explains the four tables and how they join, then asks you to type real queries
    (revenue by campaign, roas by campaign where brand=MuscleBlaze, top 5 influencer by
    revenue, ...) and checks the result. Type skip to skip a step, quit or Ctrl-D to
    leave.
    """,
    "refresh": """
    refresh — rebuild cq's derived tables on a database engine (SPEC §8)

      cq --engine postgres://analyst@db.internal/campaigns -c 'refresh'

    After the data in the database changed, refresh rebuilds what cq keeps beside it
    (allocation shares, first purchase dates, the score table). With the in-memory
    engine there is nothing to rebuild.
    """,
    "clear": """
    clear — clear the screen (in the shell; in a script, -c or a pipe it does nothing)

    The session's data, definitions and settings stay as they were.
    """,
    "quit": """
    quit — leave cq (Ctrl-D on an empty line does the same)

    History is saved as you go, so nothing is lost.
    """,
    "metrics": """
    metrics — what can be measured

    \(metricFamilies)

    help FAMILY explains each one; help allocation explains how payouts reach
    dimensions they do not carry. Ratios are ratios of sums at the result's grain;
    division by zero shows '–'.
    """,
    "sales": """
    sales metrics — from tracking_data (orders tracked to an influencer)

      revenue          sum of revenue (₹)
      orders           sum of orders
      conversions      count of tracking rows
      customers        distinct users
      aov              revenue ÷ orders (average order value)
      conversion_rate  conversions ÷ reach (needs posts too)

      revenue, orders, aov by brand
      customers by month
      revenue by product where brand=MuscleBlaze
    """,
    "incrementality": """
    incrementality metrics — what the posts added, and what cq can honestly claim

      new_customers        distinct users whose first purchase (earliest date in all
                           the data) falls in the result row
      incremental_revenue  revenue of rows on the user's first purchase date: the
                           revenue of new customers
      incremental_roas     incremental_revenue ÷ payout
      cac                  payout ÷ new_customers (cost of a new customer)
      roas_delta           the group's roas minus the roas of all rows under the same
                           filters: a comparison, not incrementality

      incremental_roas by campaign
      cac by platform

    incremental_revenue is a heuristic: it counts new customers' revenue as if the
    posts caused all of it, but some of those customers would have bought anyway, and
    repeat buyers who came back because of a post count for nothing. Read it as "revenue
    from customers new to us", not as proven lift.

    True incrementality needs a counterfactual: what would have sold without the
    posts. That needs store_orders.csv (date, user_id, product, brand, orders,
    revenue, source: every order of the store, influencer-driven or not). Where it
    exists (the bundled data has it), cq measures lift:

      lift_revenue, iroas by brand
      top 10 influencer by lift_revenue
      lift_revenue_low, lift_revenue, lift_revenue_high by campaign

      lift_revenue   store revenue − what it would have been without the posts
      iroas          lift_revenue ÷ payout (payout spread as for roas)
      *_low, *_high  the ends of the 95% interval

    How: difference-in-differences on store revenue per brand × day. A post promotes
    its campaign's brand; a brand is treated from its first post. Its controls on a
    day are the brands not yet promoted that day (never-promoted brands and brands
    whose posts start later). Before its first post the brand sold r times what its
    controls sold; after, the counterfactual is r × the controls' revenue that day,
    and lift = actual − counterfactual. A post counts on its day and the six days
    after (weight halving each day), and a brand-day's lift is shared among the posts
    exposing it, so lift answers by influencer, campaign, category, platform, tier,
    post_platform, brand and time, and the parts add up. The interval comes from how
    far the brand strayed from r × controls before its first post; the pre-trend
    check fits a line through those residuals and flags a brand that was already
    drifting. Tables show the intervals and any failed check under the result; csv
    and json put the method on standard error. explain and describe lift_revenue
    show the controls, ratios and pre-trend result per brand.

    A fixed haircut or "ROAS minus the average ROAS" is never called incremental.
    """,
    "engagement": """
    engagement metrics — from posts (and influencers)

      posts                      count of posts
      reach, likes, comments     sums
      engagements                likes + comments
      engagement_rate            engagements ÷ reach (ERR)
      engagement_rate_followers  engagements ÷ Σ over posts of the author's
                                 follower_count (ERF)
      cpe                        payout ÷ engagements (cost per engagement)
      cpm                        payout ÷ reach × 1000 (per thousand reached; there
                                 are no impressions in the data)
      influencers                distinct influencers in scope
      followers                  sum of follower_count over distinct influencers

      engagement_rate by platform
      cpe by tier
      posts, reach by post_platform

    Posts carry no brand or product, so engagement_rate by brand is an error: group
    by influencer attributes, campaign (when posts have it) or time instead.
    """,
    "spend": """
    spend metrics — payouts and what they returned

      payout (spend)   sum of total_payout (₹)
      paid_payout      payout with status paid    } only where payouts have a
      pending_payout   payout with status pending } status column
      paid_orders      payouts.orders summed over order-basis payouts
      order_gap        paid_orders − tracked orders of the same influencers (and
                       campaign): > 0 means paying for orders that were not tracked
      roas             revenue ÷ payout (3.42x = ₹3.42 back per ₹1 paid)
      roi              (revenue − payout) ÷ payout
      score            an influencer's score 0–100: the mean of its percentile ranks
                       among all influencers in roas, engagement_rate and
                       incremental_roas (whole data set, so filters do not shift it);
                       only by influencer, with filters on influencer attributes

      roas by campaign where brand=MuscleBlaze
      top 10 influencer by score
      paid_payout, pending_payout by influencer
      order_gap by influencer having order_gap > 0

    Payouts are known per influencer (and campaign). roas by brand spreads each payout
    over the influencer's orders (help allocation). paid_payout, pending_payout,
    paid_orders and order_gap are never spread: they answer only by dimensions
    payouts carry (influencer, its attributes, basis, campaign, status).
    """,
    "allocation": """
    allocation — how payouts reach dimensions they do not carry

    A payout is known per influencer, and per campaign where the payouts file has a
    campaign column. It carries the influencer's attributes (influencer, category,
    gender, platform, tier), its basis, and campaign and status where those columns
    exist. By these, payout is simply summed.

    By anything else — brand, product, source, user, day, week, month, quarter, year,
    weekday, and campaign when payouts have no campaign column — each payout is spread
    over that influencer's (and campaign's) tracking rows in proportion to their
    orders. The weights are computed over all rows, before filters, so
    payout where brand=MuscleBlaze is MuscleBlaze's share of the spend. Shares are
    rounded to whole paise by largest remainder within each payout, so grouped totals
    add up to the paisa.

    (unattributed) is spend with no tracking rows to carry it: an influencer (or an
    influencer's campaign) paid but with no tracked orders. It is a row of its own
    in every grouped dimension payouts lack, sorted last. It stays under filters on
    payout dimensions (platform=Instagram) and is dropped under filters on any other
    dimension (brand=MuscleBlaze), since it cannot be said to belong to that brand.

    paid_payout, pending_payout, paid_orders and order_gap are never spread.
    set allocation revenue weighs by revenue instead of orders (orders is the default).
    explain and describe say when allocation happened.

      roas by brand
      explain roas by brand
      payout by month
    """,
    "dimensions": """
    dimensions — what results can be grouped and filtered by

      influencer       the influencer's name (influencer_id for the key); two with the
                       same name show as name (#id)
      category, gender, platform (the influencer's platform), tier
      tier             from follower_count: nano < 10k, micro < 50k, mid < 500k,
                       macro < 1M, mega ≥ 1M (set tiers changes them; tables state the
                       thresholds in force)
      campaign, brand, product, source, user     from tracking_data (and payouts)
      basis, status    from payouts (post, order, commission, hybrid; paid, pending)
      post_platform    the platform a post was made on
      day              2025-06-01     (date means day in conditions)
      week             2025-06-02     ISO weeks, labelled by their Monday
      month 2025-06, quarter 2025-Q2, year 2025, weekday Mon … Sun (Monday first)

    Time grains read each fact's own date. Names are case-insensitive and plurals work
    (by campaigns). Values compare case-insensitively; a value that does not occur in
    the data is an error with a did-you-mean, so a typo never looks like an empty
    result.

      revenue by tier
      roas by platform, month
      posts by weekday
    """,
    "conditions": """
    conditions — where (rows, before adding up) and having (result rows, by metric)

      brand=MuscleBlaze            = != < <= > >=
      campaign in (Campaign_1, Campaign_3)      not in (...)
      date between 2025-05-01 and 2025-05-31    (a month: date=2025-06)
      influencer ~ sharma          ~ is contains, ignoring case and accents
      date in last 30 days         also: last 2 weeks, last month, this quarter,
                                   last 3 months — counted back from the data's last day
      product="Raw Whey Protein"   quote values with spaces
      brand=MuscleBlaze and not platform=YouTube or (tier=mega)
      mb_insta                     a segment (help define)

    Values are bare words, "quoted strings", numbers, dates (2025-06-01) or months
    (2025-06). and binds tighter than or; use parentheses when in doubt.

      roas by campaign where brand=MuscleBlaze and platform=Instagram
      revenue by influencer having revenue > 50000
    """,
    "formats": """
    formats — output formats and redirects

      set format NAME    (or cq --format NAME), NAME one of:

      \(formatList)

    table (the default) is aligned and box-drawn: money with ₹ and thousands
    separators, rates as %, ROAS-like ratios as 3.42x, no value as '–'. Machine formats
    carry raw numbers: money in rupees with two decimals, ratios as plain fractions
    (0.0676, not 6.76%), an empty field for no value.

      roas by campaign > roas.csv        write (format from the extension)
      roas by campaign >> log.ndjson     append
      last > result.md

    markdown, html and pdf are reports: each result under its caption (the comment
    lines just above it in a script; -- ## Title is a heading) or its statement,
    charts drawn (text in Markdown, SVG in HTML), caveats as notes. A run with
    --output FILE.html (or .md, .pdf) writes one report when it ends; pdf is the
    html page printed by a headless Chromium (CQ_BROWSER, or chromium on PATH).

      cq run weekly.cq --output weekly.html
      roas by brand chart bar > roas.md

    Writes are atomic. Results go to standard output; notes and warnings go to
    standard error. On a terminal, tables wider than the screen are cut with a marker
    saying what is hidden (set width); files and pipes are never cut.
    """,
    "charts": """
    charts — add chart KIND to a query (or: last chart KIND)

    \(chartList)

    --ascii (or set ascii on) draws with plain ASCII. help KIND for each.
    """,
    "bar": """
    chart bar — horizontal bars, one per group, with labels and values

      revenue by brand chart bar
      top 10 influencer by roas chart bar
    """,
    "line": """
    chart line — a time series in braille or block characters, axes labelled

      revenue by week chart line
      orders by day where brand=MuscleBlaze chart line

    Group by a time dimension (day, week, month, quarter, year).
    """,
    "spark": """
    chart spark — a sparkline column per group over time

      revenue by campaign, week chart spark
      engagement_rate by platform, month chart spark

    Group by one dimension and one time dimension; each group gets a small trend.
    """,
    "scatter": """
    chart scatter — two metrics against each other, one point per group

      followers, revenue by influencer chart scatter
      payout, revenue by influencer chart scatter
    """,
    "hist": """
    chart hist — the distribution of a metric over the groups

      roas by influencer chart hist
      engagement_rate by influencer chart hist

    Buckets the groups' values and shows how many fall in each.
    """,
  ]
}
