@testable import Auth
import Foundation
import Testing

@Suite("TOTP (RFC 6238)")
struct TOTPTests {
    let secret = Array("12345678901234567890".utf8)

    // RFC 6238 Appendix B, SHA-1 column.
    @Test(arguments: [
        (59.0, "94287082"), (1_111_111_109.0, "07081804"), (1_111_111_111.0, "14050471"),
        (1_234_567_890.0, "89005924"), (2_000_000_000.0, "69279037"), (20_000_000_000.0, "65353130"),
    ])
    func matchesTheRFCTestVectors(time: Double, expected: String) {
        let totp = TOTP(secret: secret, digits: 8)
        #expect(totp.code(at: Date(timeIntervalSince1970: time)) == expected)
        #expect(TOTP(secret: secret).code(at: Date(timeIntervalSince1970: time)) == String(expected.suffix(6)))
    }

    @Test func acceptsOneStepOfDriftEitherWayAndNoMore() {
        let totp = TOTP(secret: secret)
        let now = Date(timeIntervalSince1970: 1_111_111_111)
        let step = totp.step(at: now)
        #expect(totp.matchingStep(totp.code(forStep: step), at: now) == step)
        #expect(totp.matchingStep(totp.code(forStep: step - 1), at: now) == step - 1)
        #expect(totp.matchingStep(totp.code(forStep: step + 1), at: now) == step + 1)
        #expect(totp.matchingStep(totp.code(forStep: step - 2), at: now) == nil)
        #expect(totp.matchingStep(totp.code(forStep: step + 2), at: now) == nil)
        #expect(totp.matchingStep("12345", at: now) == nil)
        #expect(totp.matchingStep("abcdef", at: now) == nil)
    }

    @Test func provisioningURICarriesTheBase32Secret() {
        let uri = TOTP(secret: secret).provisioningURI(account: "dr.martin", issuer: "Dossier")
        #expect(uri == "otpauth://totp/Dossier%3Adr.martin?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Dossier&algorithm=SHA1&digits=6&period=30")
        #expect(Base32.decode("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ") == secret)
        #expect(Base32.encode(Array("foobar".utf8)) == "MZXW6YTBOI")
    }

    @Test func aCodeIsAcceptedOnceAtSignIn() async throws {
        let fixture = try await AuthFixture()
        let (_, totp) = try await fixture.server.createAccount(
            username: "dr.martin", password: "correct horse battery",
            binding: .practitioner(try #require(ActorReference("Practitioner/p1")), role: ActorReference("PractitionerRole/r1")))
        let code = try #require(totp).code(at: fixture.clock.now)
        _ = try await fixture.server.signIn(username: "dr.martin", password: "correct horse battery", oneTimeCode: code)
        await #expect(throws: SignInError.self) {
            try await fixture.server.signIn(username: "dr.martin", password: "correct horse battery", oneTimeCode: code)
        }
        await #expect(throws: SignInError.self) {
            try await fixture.server.signIn(username: "dr.martin", password: "correct horse battery", oneTimeCode: nil)
        }
    }
}

@Suite("Sign-in throttling")
struct SignInThrottleTests {
    @Test func failuresBeyondTheFreeOnesMustWaitLongerEachTime() async {
        let throttle = SignInThrottle(freeAttempts: 3, maximumDelay: 8)
        let start = Date(timeIntervalSince1970: 1_000_000)
        for _ in 0..<3 {
            #expect(await throttle.retryAfter("Dr.Martin", now: start) == nil)
            await throttle.recordFailure("dr.martin", now: start)
        }
        #expect(await throttle.retryAfter("dr.martin", now: start) == 1)
        #expect(await throttle.retryAfter("dr.martin", now: start.addingTimeInterval(1)) == nil)
        await throttle.recordFailure("dr.martin", now: start.addingTimeInterval(1))
        #expect(await throttle.retryAfter("dr.martin", now: start.addingTimeInterval(1)) == 2)
        for second in 2..<10 { await throttle.recordFailure("dr.martin", now: start.addingTimeInterval(Double(second))) }
        #expect(await throttle.retryAfter("dr.martin", now: start.addingTimeInterval(9)) == 8)
        #expect(await throttle.retryAfter("someone.else", now: start) == nil)
        await throttle.recordSuccess("DR.MARTIN")
        #expect(await throttle.retryAfter("dr.martin", now: start.addingTimeInterval(9)) == nil)
    }

    @Test func theServerRefusesEvenTheRightPasswordWhileThrottled() async throws {
        let fixture = try await AuthFixture()
        _ = try await fixture.server.createAccount(username: "alice", password: "correct horse battery",
                                                   binding: .patient(try #require(ActorReference("Patient/p"))))
        for _ in 0..<5 {
            await #expect(throws: SignInError.self) { try await fixture.server.signIn(username: "alice", password: "guess-guess", oneTimeCode: nil) }
        }
        let error = await #expect(throws: SignInError.self) {
            try await fixture.server.signIn(username: "alice", password: "correct horse battery", oneTimeCode: nil)
        }
        #expect(error?.code == .throttled)
        fixture.clock.advance(2)
        _ = try await fixture.server.signIn(username: "alice", password: "correct horse battery", oneTimeCode: nil)
    }
}
