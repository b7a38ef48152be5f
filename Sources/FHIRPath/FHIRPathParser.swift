#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import FHIRCore

/// Parses FHIRPath text into a ``FHIRPathSyntax`` tree (precedence climbing over the spec's grammar).
struct FHIRPathParser {
    private var tokens: [FHIRPathToken]
    private var position = 0

    static func parse(_ text: String) throws(FHIRError) -> FHIRPathSyntax {
        var parser = FHIRPathParser(tokens: try FHIRPathLexer.tokens(text))
        let tree = try parser.expression(level: 0)
        guard parser.current.kind == .end else {
            throw parser.fail("unexpected '\(parser.current.text)'")
        }
        return tree
    }

    private init(tokens: [FHIRPathToken]) { self.tokens = tokens }

    private var current: FHIRPathToken { tokens[position] }
    private var nextToken: FHIRPathToken { tokens[min(position + 1, tokens.count - 1)] }

    private func fail(_ message: String) -> FHIRError {
        FHIRError(.invalid, "FHIRPath syntax error at \(current.offset): \(message)")
    }

    private mutating func advance() { if position < tokens.count - 1 { position += 1 } }

    private func isSymbol(_ s: String) -> Bool { current.kind == .symbol && current.text == s }

    private mutating func expect(_ s: String) throws(FHIRError) {
        guard isSymbol(s) else { throw fail("expected '\(s)'") }
        advance()
    }

    /// Operators by level, lowest precedence first.
    private static let levels: [[String]] = [
        ["implies"], ["or", "xor"], ["and"], ["in", "contains"], ["=", "~", "!=", "!~"], ["<", ">", "<=", ">="],
        ["|"], ["is", "as"], ["+", "-", "&"], ["*", "/", "div", "mod"],
    ]
    private static let typeLevel = 7

    private func operatorAt(level: Int) -> String? {
        let t = current
        guard t.kind == .symbol || t.kind == .identifier else { return nil }
        return Self.levels[level].contains(t.text) ? t.text : nil
    }

    private mutating func expression(level: Int) throws(FHIRError) -> FHIRPathSyntax {
        if level == Self.levels.count { return try unary() }
        var left = try expression(level: level + 1)
        while let op = operatorAt(level: level) {
            advance()
            if level == Self.typeLevel {
                let type = try typeSpecifier()
                left = op == "is" ? .isType(left, type) : .asType(left, type)
            } else {
                let right = try expression(level: level + 1)
                left = .binary(FHIRPathBinaryOperator(rawValue: op)!, left, right)
            }
        }
        return left
    }

    private mutating func typeSpecifier() throws(FHIRError) -> FHIRPathTypeSpecifier {
        let first = try identifier()
        if isSymbol(".") {
            advance()
            return FHIRPathTypeSpecifier(namespace: first, name: try identifier())
        }
        return FHIRPathTypeSpecifier(namespace: nil, name: first)
    }

    private mutating func identifier() throws(FHIRError) -> String {
        guard current.kind == .identifier || current.kind == .delimitedIdentifier else {
            throw fail("expected an identifier")
        }
        defer { advance() }
        return current.text
    }

    private mutating func unary() throws(FHIRError) -> FHIRPathSyntax {
        if isSymbol("-") || isSymbol("+") {
            let minus = isSymbol("-")
            advance()
            let operand = try unary()
            if minus {
                // Fold negative literals so that `-1` is an Integer literal.
                switch operand {
                case .literal(.integer(let i)): return .literal(.integer(-i))
                case .literal(.decimal(let d)): return .literal(.decimal(FHIRPathDecimal(-d.value, scale: d.scale)))
                case .literal(.quantity(var q)): q.value = -q.value; return .literal(.quantity(q))
                default: return .negate(operand)
                }
            }
            return operand
        }
        return try postfix()
    }

    private mutating func postfix() throws(FHIRError) -> FHIRPathSyntax {
        var node = try term()
        while true {
            if isSymbol(".") {
                advance()
                node = .invoke(node, try invocation())
            } else if isSymbol("[") {
                advance()
                let index = try expression(level: 0)
                try expect("]")
                node = .indexer(node, index)
            } else {
                return node
            }
        }
    }

    /// A member name or a function call after `.` or at the start of a term.
    private mutating func invocation() throws(FHIRError) -> FHIRPathSyntax {
        let token = current
        switch token.kind {
        case .identifier where nextToken.kind == .symbol && nextToken.text == "(":
            advance()
            advance()
            var args: [FHIRPathSyntax] = []
            if !isSymbol(")") {
                args.append(try expression(level: 0))
                while isSymbol(",") {
                    advance()
                    args.append(try expression(level: 0))
                }
            }
            try expect(")")
            return try Self.call(token.text, args, at: token.offset)
        case .identifier, .delimitedIdentifier:
            advance()
            return .member(token.text)
        case .special:
            advance()
            switch token.text {
            case "this": return .this
            case "index": return .index
            case "total": return .total
            default: throw FHIRError(.invalid, "FHIRPath: unknown special variable $\(token.text)")
            }
        default:
            throw fail("expected a name or a function")
        }
    }

    private static func call(_ name: String, _ args: [FHIRPathSyntax], at offset: Int) throws(FHIRError) -> FHIRPathSyntax {
        guard let function = FHIRPathFunction(rawValue: name) else {
            throw FHIRError(.invalid, "FHIRPath: unknown function '\(name)' at \(offset)")
        }
        guard function.arity.contains(args.count) else {
            throw FHIRError(.invalid, "FHIRPath: wrong number of arguments for \(name)() at \(offset)")
        }
        switch function {
        case .is, .as, .ofType:
            switch args[0] {
            case .member(let n):
                return .typeFunction(function, FHIRPathTypeSpecifier(namespace: nil, name: n))
            case .invoke(.member(let ns), .member(let n)):
                return .typeFunction(function, FHIRPathTypeSpecifier(namespace: ns, name: n))
            default:
                throw FHIRError(.invalid, "FHIRPath: \(name)() needs a type name at \(offset)")
            }
        default:
            return .function(function, args)
        }
    }

    private static let calendarUnits: Set<String> = Set(FHIRPathQuantity.calendarSingular.keys)

    private mutating func term() throws(FHIRError) -> FHIRPathSyntax {
        let token = current
        switch token.kind {
        case .number:
            advance()
            let number = try Self.number(token.text)
            if current.kind == .string || (current.kind == .identifier && Self.calendarUnits.contains(current.text)) {
                let unit = current.text
                advance()
                let value: Decimal = switch number {
                case .integer(let i): Decimal(i)
                case .decimal(let d): d.value
                default: 0
                }
                return .literal(.quantity(FHIRPathQuantity(value: value, unit: unit)))
            }
            return .literal(number)
        case .string:
            advance()
            return .literal(.string(token.text))
        case .temporal:
            advance()
            guard let t = FHIRPathTemporal(token.text) else {
                throw FHIRError(.invalid, "FHIRPath: invalid date/time literal @\(token.text)")
            }
            switch t.kind {
            case .date: return .literal(.date(t))
            case .dateTime: return .literal(.dateTime(t))
            case .time: return .literal(.time(t))
            }
        case .variable:
            advance()
            return .variable(token.text)
        case .identifier where token.text == "true" || token.text == "false":
            advance()
            return .literal(.boolean(token.text == "true"))
        case .symbol where token.text == "(":
            advance()
            let inner = try expression(level: 0)
            try expect(")")
            return inner
        case .symbol where token.text == "{":
            advance()
            try expect("}")
            return .empty
        case .identifier, .delimitedIdentifier, .special:
            return try invocation()
        default:
            throw fail(token.kind == .end ? "unexpected end of expression" : "unexpected '\(token.text)'")
        }
    }

    private static func number(_ text: String) throws(FHIRError) -> FHIRPathValue {
        if !text.contains("."), let i = Int(text), i <= Int(Int32.max) {
            return .integer(i)
        }
        guard let d = FHIRPathDecimal(text) else { throw FHIRError(.invalid, "FHIRPath: bad number \(text)") }
        return .decimal(d)
    }
}
