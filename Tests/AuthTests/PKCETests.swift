@testable import Auth
import Testing

@Suite("PKCE S256")
struct PKCETests {
    // RFC 7636 Appendix B.
    let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"

    @Test func challengeMatchesTheRFCExample() {
        #expect(PKCE.challenge(for: verifier) == challenge)
        #expect(PKCE.verify(verifier: verifier, challenge: challenge))
        #expect(PKCE.isWellFormedChallenge(challenge))
    }

    @Test func wrongOrMalformedVerifiersAreRefused() {
        #expect(!PKCE.verify(verifier: PKCE.makeVerifier(), challenge: challenge))
        #expect(!PKCE.verify(verifier: "short", challenge: PKCE.challenge(for: "short")))
        let spaced = String(repeating: "a b", count: 20)
        #expect(!PKCE.verify(verifier: spaced, challenge: PKCE.challenge(for: spaced)))
    }

    @Test func onlyS256IsSupported() {
        #expect(PKCE.isSupported(method: "S256"))
        #expect(!PKCE.isSupported(method: "plain"))
        #expect(!PKCE.isSupported(method: nil))
    }

    @Test func plainChallengesAreNotWellFormed() {
        #expect(!PKCE.isWellFormedChallenge(verifier + "x"))
        #expect(!PKCE.isWellFormedChallenge("abc"))
    }
}
