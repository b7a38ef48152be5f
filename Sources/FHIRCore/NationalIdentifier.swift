/// The national patient identifiers of DOMAIN.md ("People and identities") and the checks their values must pass.
///
/// - **NHS number** (`https://fhir.nhs.uk/Id/nhs-number`): exactly 10 ASCII digits, the last a modulus-11 check digit
///   over the first nine (weights 10 down to 2; check = 11 - (sum mod 11), 11 becomes 0, and 10 means no valid
///   number has those nine digits). Spaces are refused, not stripped: `3 3 4` grouping is for people, the stored value
///   is what `identifier=system|value` searches match exactly, so one spelling keeps one patient findable.
/// - **INS** (`urn:oid:1.2.250.1.213.1.4.8` INS-NIR, `urn:oid:1.2.250.1.213.1.4.9` INS-NIA; both NIR-shaped): 15
///   characters, a 13-character number and a 2-digit key = 97 - (number mod 97). The number is digits except the
///   department (characters 6-7), which may be Corsica's `2A` or `2B`, read as 19 and 18 for the key (the same as
///   reading them as 20 and subtracting 1,000,000 or 2,000,000). The first character (sex) must be 1 or 2 (a
///   definitive number), 3 or 4 (a foreign-born person being registered) or 7 or 8 (a temporary number, such as an
///   NIA); other characters are not checked against calendars or place codes, whose special values (unknown months,
///   overseas and pre-independence codes) make such checks reject real people. No spaces, upper-case `A`/`B` only,
///   for the same reason as NHS numbers.
///
/// Sources: NHS Digital's check digit rule as restated by several validators (e.g. the `pfwd/NHSNumber-Validation`
/// examples); for the NIR, service-public.fr's "Que signifie le numéro de sécurité sociale ?" (structure, sex 1/2),
/// python-stdnum's `stdnum/fr/nir.py` (2A -> 19, 2B -> 18, and its test numbers) and French descriptions of the
/// temporary numbers starting with 7 or 8.
public enum NationalIdentifier {
    /// England's NHS number.
    public static let nhsNumberSystem = "https://fhir.nhs.uk/Id/nhs-number"
    /// France's INS built on the NIR (the social security number).
    public static let insNIRSystem = "urn:oid:1.2.250.1.213.1.4.8"
    /// France's INS built on an NIA (a waiting number, for people not yet in the NIR directory).
    public static let insNIASystem = "urn:oid:1.2.250.1.213.1.4.9"

    /// What is wrong with `value` as an identifier of `system`, for people to read; `nil` when it is valid or when
    /// `system` is not one of the national systems above (other identifiers are not checked).
    public static func problem(system: String, value: String) -> String? {
        switch system {
        case nhsNumberSystem: nhsNumberProblem(value)
        case insNIRSystem: insProblem(value, name: "INS-NIR")
        case insNIASystem: insProblem(value, name: "INS-NIA")
        default: nil
        }
    }

    // MARK: NHS number

    /// The check digit of an NHS number's first nine digits (each 0-9), or `nil` when the modulus-11 rule gives 10:
    /// no NHS number starts with those nine digits.
    public static func nhsCheckDigit(_ digits: [Int]) -> Int? {
        precondition(digits.count == 9, "an NHS number's check digit covers nine digits")
        var sum = 0
        for (k, digit) in digits.enumerated() { sum += digit * (10 - k) }
        switch 11 - sum % 11 {
        case 11: return 0
        case 10: return nil
        case let check: return check
        }
    }

    /// What is wrong with `value` as an NHS number, or `nil`.
    public static func nhsNumberProblem(_ value: String) -> String? {
        let bytes = Array(value.utf8)
        if bytes.contains(UInt8(ascii: " ")) {
            return "NHS number '\(value)' contains spaces; write its 10 digits without spaces"
        }
        guard bytes.allSatisfy(isDigit) else {
            return "NHS number '\(value)' must contain only the digits 0-9"
        }
        guard bytes.count == 10 else {
            return "NHS number '\(value)' has \(bytes.count) digits; it must have exactly 10"
        }
        let digits = bytes.map { Int($0 - UInt8(ascii: "0")) }
        guard let check = nhsCheckDigit(Array(digits[0..<9])) else {
            return "NHS number \(value) fails its modulus-11 check: its first nine digits give a check digit of 10, so no NHS number starts with them"
        }
        guard check == digits[9] else {
            return "NHS number \(value) fails its modulus-11 check: the check digit should be \(check), not \(digits[9])"
        }
        return nil
    }

    // MARK: INS (NIR and NIA)

    /// The first characters (sex) an INS number may start with.
    public static let insFirstCharacters: Set<Character> = ["1", "2", "3", "4", "7", "8"]

    /// The key of a 13-character NIR-shaped number (digits, with `2A`/`2B` allowed as the department, characters
    /// 6-7): 97 - (number mod 97), 1 to 97, with 2A read as 19 and 2B as 18. `nil` when `number` does not have that
    /// shape.
    public static func insKey(_ number: String) -> Int? {
        let bytes = Array(number.utf8)
        guard bytes.count == 13 else { return nil }
        var value: Int64 = 0
        for (k, byte) in bytes.enumerated() {
            let digit: Int64
            if isDigit(byte) {
                digit = Int64(byte - UInt8(ascii: "0"))
            } else if k == 6, bytes[5] == UInt8(ascii: "2"), byte == UInt8(ascii: "A") || byte == UInt8(ascii: "B") {
                // 2A -> 19, 2B -> 18: the department's first digit, already added as a 2, becomes a 1.
                value -= 1
                digit = byte == UInt8(ascii: "A") ? 9 : 8
            } else {
                return nil
            }
            value = value * 10 + digit
        }
        return Int(97 - value % 97)
    }

    /// What is wrong with `value` as an INS (`name` is `INS-NIR` or `INS-NIA`), or `nil`.
    public static func insProblem(_ value: String, name: String) -> String? {
        let bytes = Array(value.utf8)
        if bytes.contains(UInt8(ascii: " ")) {
            return "\(name) '\(value)' contains spaces; write its 15 characters without spaces"
        }
        guard value.count == 15 else {
            return "\(name) '\(value)' has \(value.count) characters; it must have 15 (a 13-character number and a 2-digit key)"
        }
        guard let first = value.first, insFirstCharacters.contains(first) else {
            return "\(name) '\(value)' starts with '\(value.prefix(1))'; the first character (sex) must be 1, 2, 3, 4, 7 or 8"
        }
        let department = value.dropFirst(5).prefix(2)
        if department == "2a" || department == "2b" {
            return "\(name) '\(value)' writes the Corsican department in lower case; write it \(department.uppercased())"
        }
        let number = String(value.prefix(13))
        guard let key = insKey(number) else {
            return "\(name) '\(value)' must be digits, except the department (characters 6-7), which may be 2A or 2B"
        }
        let given = value.suffix(2)
        guard given.utf8.allSatisfy(isDigit) else {
            return "\(name) '\(value)' must end with a 2-digit key, not '\(given)'"
        }
        let expected = key < 10 ? "0\(key)" : "\(key)"
        guard given == expected else {
            return "\(name) \(value) fails its key check: the key of \(number) is \(expected), not \(given)"
        }
        return nil
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}
