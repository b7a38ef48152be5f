/// Rule 5 as data: for each profession, which resource types (and, per type, which document type / class /
/// category codes) it may read, and with which purposes it may break the glass.
///
/// Shipped as `Resources/authorisation-matrix.json` (``default``), replaceable per deployment by a file of the same
/// shape (``init(contentsOfFile:)``), served by `GET [base]/$access-matrix` (``json``).
/// A profession absent from the matrix reads nothing and may not break the glass.
public struct AuthorisationMatrix: Sendable, Hashable {
    /// What a profession may read of one resource type.
    public enum ReadRule: Sendable, Hashable {
        /// Every resource of the type (`"*"` in the file).
        case all
        /// Only resources carrying at least one of these codes (type, class or category); a resource without any
        /// code is not readable under this rule.
        case codes(Set<SystemCode>)
    }

    /// One profession's row.
    public struct Entry: Sendable, Hashable {
        /// The profession.
        public var profession: Profession
        /// A human name (`Pharmacist`).
        public var display: String
        /// What the row means and why, for the people who configure it.
        public var description: String
        /// Readable resource types; the key `*` applies to types not listed.
        public var read: [String: ReadRule]
        /// The purposes with which this profession may declare an emergency.
        public var breakTheGlass: Set<EmergencyPurpose>

        /// A row.
        public init(profession: Profession, display: String = "", description: String = "",
                    read: [String: ReadRule], breakTheGlass: Set<EmergencyPurpose> = []) {
            self.profession = profession
            self.display = display
            self.description = description
            self.read = read
            self.breakTheGlass = breakTheGlass
        }
    }

    /// What the whole file is (kept for `$access-matrix`).
    public var description: String
    /// The rows, by profession.
    public var entries: [Profession: Entry]

    /// A matrix of these rows.
    public init(description: String = "", entries: [Entry]) {
        self.description = description
        self.entries = Dictionary(entries.map { ($0.profession, $0) }, uniquingKeysWith: { _, last in last })
    }

    /// Whether `profession` may read `resource` (type, then codes).
    @inlinable
    public func allowsRead(_ profession: Profession, _ resource: ResourceAccessMetadata) -> Bool {
        guard let entry = entries[profession],
              let rule = entry.read[resource.resourceType] ?? entry.read["*"] else { return false }
        switch rule {
        case .all:
            return true
        case .codes(let allowed):
            for code in resource.codes where allowed.contains(code) { return true }
            return false
        }
    }

    /// Whether `profession` may declare an emergency with `purpose`.
    @inlinable
    public func allowsBreakTheGlass(_ profession: Profession, _ purpose: EmergencyPurpose) -> Bool {
        entries[profession]?.breakTheGlass.contains(purpose) ?? false
    }
}
