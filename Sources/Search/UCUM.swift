/// A small table of UCUM units common in clinical data and their conversion to one canonical unit per dimension,
/// so that `5 mg` and `0.005 g` index (and match) the same canonical quantity.
///
/// Units outside the table are left as written; units whose conversion is not a plain factor (`Cel`, `[degF]`)
/// are not converted. Pressure (`mm[Hg]`) is its own canonical unit.
public enum UCUM {
    /// The UCUM system URI.
    public static let system = "http://unitsofmeasure.org"

    /// Unit code -> (canonical code, factor to multiply a value by to express it in the canonical unit).
    static let table: [String: (String, Double)] = {
        var t: [String: (String, Double)] = [:]
        func add(_ canonical: String, _ units: [(String, Double)]) {
            for (code, factor) in units { t[code] = (canonical, factor) }
        }
        // Mass.
        add("g", [("g", 1), ("kg", 1e3), ("mg", 1e-3), ("ug", 1e-6), ("ng", 1e-9), ("pg", 1e-12),
                  ("[lb_av]", 453.59237), ("[oz_av]", 28.349523125)])
        // Volume.
        add("L", [("L", 1), ("l", 1), ("dL", 0.1), ("cL", 0.01), ("mL", 1e-3), ("uL", 1e-6), ("fL", 1e-15)])
        // Amount of substance concentration.
        add("mol/L", [("mol/L", 1), ("mmol/L", 1e-3), ("umol/L", 1e-6), ("nmol/L", 1e-9), ("pmol/L", 1e-12)])
        // Amount of substance.
        add("mol", [("mol", 1), ("mmol", 1e-3), ("umol", 1e-6), ("nmol", 1e-9)])
        // Length.
        add("m", [("m", 1), ("km", 1e3), ("cm", 1e-2), ("mm", 1e-3), ("um", 1e-6), ("[in_i]", 0.0254), ("[ft_i]", 0.3048)])
        // Time.
        add("s", [("s", 1), ("ms", 1e-3), ("min", 60), ("h", 3600), ("d", 86_400), ("wk", 604_800),
                  ("mo", 2_629_800), ("a", 31_557_600)])
        // Mass concentration.
        add("g/L", [("g/L", 1), ("g/dL", 10), ("g/mL", 1e3), ("mg/L", 1e-3), ("mg/dL", 1e-2), ("mg/mL", 1),
                    ("ug/L", 1e-6), ("ug/dL", 1e-5), ("ug/mL", 1e-3), ("ng/mL", 1e-6), ("ng/L", 1e-9), ("pg/mL", 1e-9)])
        // Pressure: kept as written.
        add("mm[Hg]", [("mm[Hg]", 1)])
        return t
    }()

    /// The canonical code and the factor converting a value in `code` to it; nil for units outside the table.
    public static func canonical(_ code: String) -> (code: String, factor: Double)? {
        table[code].map { (code: $0.0, factor: $0.1) }
    }
}
