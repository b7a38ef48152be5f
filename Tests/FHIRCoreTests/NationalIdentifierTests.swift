import FHIRCore
import PropertyBased
import Testing

@Suite("National patient identifiers")
struct NationalIdentifierTests {
    static let nhs = NationalIdentifier.nhsNumberSystem
    static let nir = NationalIdentifier.insNIRSystem
    static let nia = NationalIdentifier.insNIASystem

    // MARK: NHS number

    /// Checked by hand: 9434765919 -> 9*10+4*9+3*8+4*7+7*6+6*5+5*4+9*3+1*2 = 299, 299 mod 11 = 2, 11-2 = 9.
    /// 9000000009 -> 90 mod 11 = 2 -> 9. 4010232137 -> 103 mod 11 = 4 -> 7. 1000000001 -> 10 mod 11 = 10 -> 1.
    /// 5000000000 -> 50 mod 11 = 6 -> 5, so 5000000005; 1100000000 -> 10+9 = 19, 19 mod 11 = 8 -> 3.
    /// 1000000060 -> 10+6*2 = 22, 22 mod 11 = 0 -> 11 -> 0, so a check digit of 0.
    @Test(arguments: ["9434765919", "9000000009", "4010232137", "1000000001", "5000000005", "1100000003",
                      "1000000060"])
    func validNHSNumbers(_ value: String) {
        #expect(NationalIdentifier.problem(system: Self.nhs, value: value) == nil)
    }

    @Test func wrongCheckDigitSaysWhichItShouldBe() {
        #expect(NationalIdentifier.problem(system: Self.nhs, value: "9434765918")
            == "NHS number 9434765918 fails its modulus-11 check: the check digit should be 9, not 8")
        #expect(NationalIdentifier.problem(system: Self.nhs, value: "1000000061") != nil)
    }

    /// 100000001x: 1*10 + 1*2 = 12, 12 mod 11 = 1, 11 - 1 = 10: no check digit fits.
    @Test func checkDigitTenHasNoValidNumber() {
        #expect(NationalIdentifier.nhsCheckDigit([1, 0, 0, 0, 0, 0, 0, 0, 1]) == nil)
        for last in 0...9 {
            let problem = NationalIdentifier.problem(system: Self.nhs, value: "100000001\(last)")
            #expect(problem?.contains("check digit of 10") == true, "\(last)")
        }
    }

    @Test(arguments: [
        ("943476591", "has 9 digits"), ("94347659190", "has 11 digits"), ("", "has 0 digits"),
        ("943 476 5919", "contains spaces"), ("9434-765-919", "only the digits"), ("943476591X", "only the digits"),
        ("９４３４７６５９１９", "only the digits"), ("+9434765919", "only the digits"),
    ])
    func malformedNHSNumbers(_ value: String, _ expected: String) throws {
        let problem = try #require(NationalIdentifier.problem(system: Self.nhs, value: value))
        #expect(problem.contains(expected), "\(problem)")
    }

    /// A reference computation, written apart from the one under test.
    static func referenceNHSCheck(_ prefix: [Int]) -> Int? {
        let weighted = zip(prefix, stride(from: 10, through: 2, by: -1)).map { $0 * $1 }.reduce(0, +)
        let check = (11 - weighted % 11) % 11
        return check == 10 ? nil : check
    }

    @Test func aPrefixWithItsCheckDigitValidatesAndEveryOtherLastDigitFails() async {
        await propertyCheck(count: 2_000, input: Gen.int(in: 0...9).array(of: 9)) { prefix in
            let expected = Self.referenceNHSCheck(prefix)
            #expect(NationalIdentifier.nhsCheckDigit(prefix) == expected)
            let text = prefix.map(String.init).joined()
            for last in 0...9 {
                let valid = NationalIdentifier.problem(system: Self.nhs, value: text + String(last)) == nil
                #expect(valid == (last == expected), "\(text)\(last)")
            }
        }
    }

    // MARK: INS

    /// Keys computed by hand as 97 - (number mod 97): 2951099126111 mod 97 = 4 -> 93; 1800575123456 -> 27;
    /// 2 53 07 2A 073 004 read as 2530719073004 -> 43, 2B read as ...18... -> 70 (python-stdnum's examples);
    /// 1 86 02 2A 215 045 -> 12. A number that is a multiple of 97 has the key 97: 1000000000047 = 97 x 10309278351.
    @Test(arguments: ["295109912611193", "180057512345627", "253072A07300443", "253072B07300470",
                      "186022A21504512", "100000000004797", "799999912345640", "399029912345646"])
    func validINS(_ value: String) {
        #expect(NationalIdentifier.problem(system: Self.nir, value: value) == nil)
        #expect(NationalIdentifier.problem(system: Self.nia, value: value) == nil)
    }

    @Test func corsicaIsReadAsNineteenAndEighteen() {
        #expect(NationalIdentifier.insKey("253072A073004") == 43)
        #expect(NationalIdentifier.insKey("253072B073004") == 70)
        // The other department's key is wrong: 2A's number with 2B's key and the reverse.
        #expect(NationalIdentifier.problem(system: Self.nir, value: "253072A07300470") != nil)
        #expect(NationalIdentifier.problem(system: Self.nir, value: "253072B07300443") != nil)
        // The subtraction form of the rule gives the same keys: 2A = 20 less 1,000,000; 2B = 20 less 2,000,000.
        #expect(97 - (2_530_720_073_004 - 1_000_000) % 97 == 43)
        #expect(97 - (2_530_720_073_004 - 2_000_000) % 97 == 70)
    }

    @Test func wrongKeySaysWhichItShouldBe() {
        #expect(NationalIdentifier.problem(system: Self.nir, value: "295109912611199")
            == "INS-NIR 295109912611199 fails its key check: the key of 2951099126111 is 93, not 99")
        #expect(NationalIdentifier.problem(system: Self.nia, value: "180057512345600")?.hasPrefix("INS-NIA") == true)
    }

    @Test(arguments: [
        ("1800575123456", "has 13 characters"), ("18005751234562", "has 14 characters"),
        ("1800575123456270", "has 16 characters"), ("1 80 05 75 123 456 27", "contains spaces"),
        ("580057512345627", "first character (sex)"), ("080057512345627", "first character (sex)"),
        ("980057512345627", "first character (sex)"), ("X80057512345627", "first character (sex)"),
        ("253072a07300443", "lower case"), ("253072C07300443", "must be digits"), ("25307A207300443", "must be digits"),
        ("253072073004A43", "must be digits"), ("2530720730X4443", "must be digits"), ("2530720730044A3", "2-digit key"), ("25307207300440X", "2-digit key"),
    ])
    func malformedINS(_ value: String, _ expected: String) throws {
        let problem = try #require(NationalIdentifier.problem(system: Self.nir, value: value))
        #expect(problem.contains(expected), "\(problem)")
    }

    /// A reference computation, written apart from the one under test: replace 2A/2B by 19/18 and divide.
    static func referenceINSKey(_ number: String) -> Int {
        var text = number
        if text.dropFirst(5).hasPrefix("2A") { text = text.prefix(5) + "19" + text.dropFirst(7) }
        if text.dropFirst(5).hasPrefix("2B") { text = text.prefix(5) + "18" + text.dropFirst(7) }
        return 97 - Int(text)! % 97
    }

    static let insNumber = zip(Gen.element(of: Array("123478")), Gen.int(in: 0...9_999),
                               Gen.element(of: ["01", "19", "2A", "2B", "75", "99", "97"]), Gen.int(in: 0...999_999))
        .map { sex, yearMonth, department, rest -> String in
            func padded(_ n: Int, _ width: Int) -> String { String(repeating: "0", count: width - String(n).count) + String(n) }
            return "\(sex ?? "1")\(padded(yearMonth, 4))\(department ?? "75")\(padded(rest, 6))"
        }

    @Test func aNumberWithItsKeyValidatesAndEveryOtherKeyFails() async {
        await propertyCheck(count: 500, input: Self.insNumber) { number in
            let expected = Self.referenceINSKey(number)
            #expect(NationalIdentifier.insKey(number) == expected)
            for key in 0...99 {
                let text = number + (key < 10 ? "0\(key)" : "\(key)")
                let valid = NationalIdentifier.problem(system: Self.nir, value: text) == nil
                #expect(valid == (key == expected), "\(text)")
            }
        }
    }

    // MARK: Other systems

    @Test func otherSystemsAreNotChecked() {
        #expect(NationalIdentifier.problem(system: "http://hl7.org/fhir/sid/us-ssn", value: "999-12-3456") == nil)
        #expect(NationalIdentifier.problem(system: "https://fhir.nhs.uk/Id/NHS-NUMBER", value: "1") == nil)
    }
}

@Suite("Profession codes")
struct ProfessionCodesTests {
    @Test func knownCodesPass() {
        for (system, codes) in ProfessionCodes.codes {
            for code in codes { #expect(ProfessionCodes.problem(system: system, code: code) == nil, "\(code)") }
        }
        #expect(ProfessionCodes.codes[ProfessionCodes.practitionerRoleSystem]
            == ["doctor", "nurse", "pharmacist", "researcher", "teacher", "ict"])
    }

    @Test func unknownCodesFailAndCodesInTheOtherSystemAreNamed() throws {
        let hl7 = ProfessionCodes.practitionerRoleSystem, dossier = ProfessionCodes.dossierProfessionSystem
        #expect(ProfessionCodes.problem(system: hl7, code: "astrologer")?.hasPrefix("'astrologer' is not a profession of") == true)
        #expect(ProfessionCodes.problem(system: hl7, code: "Doctor") != nil)
        let midwife = try #require(ProfessionCodes.problem(system: hl7, code: "midwife"))
        #expect(midwife.hasSuffix("'midwife' belongs to \(dossier)"))
        let doctor = try #require(ProfessionCodes.problem(system: dossier, code: "doctor"))
        #expect(doctor.hasSuffix("'doctor' belongs to \(hl7)"))
        #expect(ProfessionCodes.problem(system: "http://nucc.org/provider-taxonomy", code: "208D00000X") == nil)
    }
}

@Suite("Identity rules on written resources")
struct IdentityRulesTests {
    static func issues(_ text: String) throws -> [String] {
        guard case .object(let object) = try JSON.parse(text) else { return [] }
        return IdentityRules.issues(in: object).map { "\($0.expression.joined()): \($0.code)" }
    }

    @Test func patientIdentifiersAreCheckedOneByOne() throws {
        let patient = #"""
        {"resourceType":"Patient","identifier":[
          {"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765919"},
          {"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765918"},
          {"system":"http://hospital.example.org/mrn","value":"x"},
          {"system":"urn:oid:1.2.250.1.213.1.4.8"},
          {"system":"urn:oid:1.2.250.1.213.1.4.9","value":"180057512345628"},
          {"value":"9434765918"}]}
        """#
        #expect(try Self.issues(patient) == ["Patient.identifier[1].value: value", "Patient.identifier[4].value: value"])
    }

    @Test func practitionerRoleCodesAreCheckedCodingByCoding() throws {
        let role = #"""
        {"resourceType":"PractitionerRole","code":[
          {"coding":[{"system":"http://terminology.hl7.org/CodeSystem/practitioner-role","code":"doctor"}]},
          {"coding":[{"system":"http://nucc.org/provider-taxonomy","code":"208D00000X"},
                     {"system":"https://dossier.health/CodeSystem/profession","code":"wizard"}]},
          {"text":"no coding"}]}
        """#
        #expect(try Self.issues(role) == ["PractitionerRole.code[1].coding[1].code: code-invalid"])
    }

    @Test func containedResourcesAndBundleEntriesAreChecked() throws {
        let observation = #"""
        {"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"#p"},
         "contained":[{"resourceType":"Patient","id":"p","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"1"}]}]}
        """#
        #expect(try Self.issues(observation) == ["Observation.contained[0].identifier[0].value: value"])
        let bundle = #"""
        {"resourceType":"Bundle","type":"collection","entry":[
          {"resource":{"resourceType":"Patient","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765919"}]}},
          {"resource":{"resourceType":"PractitionerRole","code":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/practitioner-role","code":"wizard"}]}]}}]}
        """#
        #expect(try Self.issues(bundle) == ["Bundle.entry[1].resource.code[0].coding[0].code: code-invalid"])
    }

    @Test func otherResourcesHaveNothingToCheck() throws {
        #expect(try Self.issues(#"{"resourceType":"Practitioner","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"1"}]}"#).isEmpty)
        #expect(try Self.issues(#"{"resourceType":"RelatedPerson","patient":{"reference":"Patient/1"}}"#).isEmpty)
    }
}
