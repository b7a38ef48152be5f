import _CryptoExtras
import Crypto
import Foundation

/// Hashes and checks account passwords with scrypt (memory-hard), in a self-describing text form
/// `$scrypt$ln=15,r=8,p=3$SALT$HASH` (salt and hash in base64url), so that the cost can rise later and old
/// hashes still verify.
public struct PasswordHasher: Sendable {
    /// The scrypt cost: N = 2^`logRounds`, block size `blockSize`, parallelism `parallelism`.
    public struct Cost: Sendable, Hashable {
        /// log2 of N, the CPU/memory cost.
        public var logRounds: Int
        /// r, the block size.
        public var blockSize: Int
        /// p, the parallelism.
        public var parallelism: Int

        /// A cost from its parts.
        public init(logRounds: Int, blockSize: Int, parallelism: Int) {
            self.logRounds = logRounds
            self.blockSize = blockSize
            self.parallelism = parallelism
        }

        /// The default: N = 2^15, r = 8, p = 3 (32 MiB), one of OWASP's recommended scrypt settings; of the order
        /// of 0.1–0.2 s a sign-in on a server core in an optimised build (debug builds, whose C is unoptimised, take
        /// seconds: tests use ``testing``).
        public static let strong = Cost(logRounds: 15, blockSize: 8, parallelism: 3)
        /// A deliberately weak cost for tests only (N = 2^10, r = 8, p = 1).
        public static let testing = Cost(logRounds: 10, blockSize: 8, parallelism: 1)
    }

    /// The cost used for new hashes.
    public let cost: Cost

    /// A hasher creating new hashes at `cost` (`.strong` unless a test says otherwise).
    public init(cost: Cost = .strong) { self.cost = cost }

    /// A new hash of `password` with a fresh 16-byte salt.
    public func hash(_ password: String) throws -> String {
        let salt = SecureRandom.bytes(16)
        let key = try Self.derive(password, salt: salt, cost: cost)
        return "$scrypt$ln=\(cost.logRounds),r=\(cost.blockSize),p=\(cost.parallelism)$\(Base64URL.encode(salt))$\(Base64URL.encode(key))"
    }

    /// Whether `password` matches `encoded` (a text produced by ``hash(_:)``, at whatever cost it records).
    public func verify(_ password: String, against encoded: String) -> Bool {
        let parts = encoded.split(separator: "$", omittingEmptySubsequences: true)
        guard parts.count == 4, parts[0] == "scrypt" else { return false }
        var values: [Substring: Int] = [:]
        for item in parts[1].split(separator: ",") {
            let pair = item.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, let value = Int(pair[1]) else { return false }
            values[pair[0]] = value
        }
        guard let ln = values["ln"], let r = values["r"], let p = values["p"], (1...22).contains(ln), (1...32).contains(r), (1...16).contains(p),
              let salt = Base64URL.decode(String(parts[2])), let expected = Base64URL.decode(String(parts[3])), !expected.isEmpty
        else { return false }
        guard let key = try? Self.derive(password, salt: salt, cost: Cost(logRounds: ln, blockSize: r, parallelism: p), length: expected.count)
        else { return false }
        return ConstantTime.equal(key, expected)
    }

    static func derive(_ password: String, salt: [UInt8], cost: Cost, length: Int = 32) throws -> [UInt8] {
        let key = try KDF.Scrypt.deriveKey(
            from: Array(password.utf8), salt: salt, outputByteCount: length,
            rounds: 1 << cost.logRounds, blockSize: cost.blockSize, parallelism: cost.parallelism)
        return key.withUnsafeBytes { Array($0) }
    }
}
