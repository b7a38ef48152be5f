@testable import Auth
import Testing

@Suite("Password hashing (scrypt)")
struct PasswordHasherTests {
    let hasher = PasswordHasher(cost: .testing)

    @Test func roundTripAndWrongPassword() throws {
        let hash = try hasher.hash("correct horse battery")
        #expect(hash.hasPrefix("$scrypt$ln=10,r=8,p=1$"))
        #expect(hasher.verify("correct horse battery", against: hash))
        #expect(!hasher.verify("correct horse batterY", against: hash))
        #expect(!hasher.verify("", against: hash))
    }

    @Test func saltsDiffer() throws {
        #expect(try hasher.hash("same password") != hasher.hash("same password"))
    }

    @Test func aHashVerifiesWhateverTheCurrentCost() throws {
        let old = try hasher.hash("pa55word-pa55word")
        #expect(PasswordHasher(cost: .strong).verify("pa55word-pa55word", against: old))
    }

    @Test func theDefaultCostIsTheStrongOne() {
        #expect(PasswordHasher().cost == .strong)
        #expect(PasswordHasher.Cost.strong.logRounds >= 15)
        #expect(AuthConfiguration(fhirBaseURL: "http://x/fhir").passwordCost == .strong)
    }

    @Test func malformedHashesNeverVerify() {
        for encoded in ["", "$scrypt$", "$pbkdf2$ln=10,r=8,p=1$AAAA$AAAA", "$scrypt$ln=99,r=8,p=1$AAAA$AAAA", "$scrypt$ln=10,r=8,p=1$$"] {
            #expect(!hasher.verify("x", against: encoded))
        }
    }
}
