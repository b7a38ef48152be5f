import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A real HTTP receiver on 127.0.0.1 (a plain socket and a thread): records each request's head and body and
/// answers 204. Enough for the rest-hook sender's tests, with nothing but the C library.
final class LocalReceiver: Sendable {
    /// One request as received.
    struct Request: Sendable {
        var head: String
        var body: [UInt8]

        /// The value of a header (case-insensitive name).
        func header(_ name: String) -> String? {
            for line in head.split(separator: "\r\n").dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                if line[..<colon].lowercased() == name.lowercased() { return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces) }
            }
            return nil
        }
    }

    let port: Int
    private let socketFD: Int32
    private let received = Mutex<[Request]>([])

    init() throws {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0 else { close(fd); throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        socketFD = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in serve() }
        thread.start()
    }

    /// The requests received so far.
    var requests: [Request] { received.withLock { $0 } }

    /// Stops accepting.
    func stop() {
        shutdown(socketFD, Int32(SHUT_RDWR))
        close(socketFD)
    }

    private func serve() {
        while true {
            let connection = accept(socketFD, nil, nil)
            guard connection >= 0 else { return }
            if let request = read(connection) { received.withLock { $0.append(request) } }
            let answer = Array("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8)
            _ = answer.withUnsafeBytes { send(connection, $0.baseAddress, $0.count, 0) }
            close(connection)
        }
    }

    private func read(_ connection: Int32) -> Request? {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let separator = Array("\r\n\r\n".utf8)
        while true {
            if let end = data.indices.first(where: { data[$0...].starts(with: separator) }) {
                let head = String(decoding: data[..<end], as: UTF8.self)
                let request = Request(head: head, body: [])
                let length = Int(request.header("content-length") ?? "0") ?? 0
                var body = Array(data[(end + 4)...])
                while body.count < length {
                    let n = recv(connection, &buffer, buffer.count, 0)
                    guard n > 0 else { break }
                    body += buffer[..<n]
                }
                return Request(head: head, body: body)
            }
            let n = recv(connection, &buffer, buffer.count, 0)
            guard n > 0 else { return nil }
            data += buffer[..<n]
        }
    }
}
