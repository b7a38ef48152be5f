import Auth
import Mustache

/// The server-rendered sign-in page of `/authorize`: username, password and authenticator code on one screen,
/// with the application's requested scopes below as ticked boxes, so that signing in again at the start of a shift
/// is one step. Plain HTML with inline CSS, no script, readable on a phone.
struct SignInPage: Sendable {
    let template: MustacheTemplate
    let errorTemplate: MustacheTemplate

    init() {
        // The templates are constants of this file: a parse failure is a programming error caught by every test.
        template = try! MustacheTemplate(string: Self.page)
        errorTemplate = try! MustacheTemplate(string: Self.errorPage)
    }

    /// The form for `request`, with `message` (a failed attempt) and the username already typed.
    func render(_ request: AuthorizationRequest, message: String?, username: String) -> String {
        let hidden = request.parameters.sorted { $0.key < $1.key }
            .filter { !["username", "password", "otp", "grant", "decision"].contains($0.key) }
            .map { ["name": $0.key, "value": $0.value] }
        let scopes = request.scopes.scopes.map { scope -> [String: Any] in
            ["text": scope.text, "label": Self.label(scope)]
        }
        var context: [String: Any] = [
            "client": request.client.name, "hidden": hidden, "scopes": scopes, "username": username,
        ]
        if let message { context["message"] = message }
        return template.render(context)
    }

    /// A page saying the request cannot go on (unknown application, unregistered redirect URI).
    func renderError(_ message: String) -> String {
        errorTemplate.render(["message": message])
    }

    /// A sentence for a scope, in plain words.
    static func label(_ scope: SMARTScope) -> String {
        switch scope {
        case .openid: return "Know who you are"
        case .fhirUser: return "See your profile (name and role)"
        case .launchPatient: return "Open a patient's record"
        case .launch: return "Start from the record system"
        case .offlineAccess, .onlineAccess: return "Stay signed in for this session"
        case .resource(let resource):
            var verbs: [String] = []
            if resource.permissions.contains(.read) || resource.permissions.contains(.search) { verbs.append("read") }
            if resource.permissions.contains(.create) { verbs.append("add") }
            if resource.permissions.contains(.update) { verbs.append("change") }
            if resource.permissions.contains(.delete) { verbs.append("delete") }
            let what = resource.resourceType == "*" ? "all data" : resource.resourceType
            let whose = switch resource.context {
            case .patient: "of the patient in context"
            case .user: "you may see"
            case .system: "of every record"
            }
            let filter = resource.query.map { " (\($0))" } ?? ""
            return "\(verbs.joined(separator: ", ").capitalizingFirst) \(what)\(filter) \(whose)"
        }
    }

    static let style = """
        body{font:16px/1.4 system-ui,sans-serif;margin:0;background:#f4f6f8;color:#1b1f24}
        main{max-width:26rem;margin:0 auto;padding:1.25rem}
        h1{font-size:1.3rem;margin:.5rem 0 1rem}
        form{background:#fff;border-radius:.5rem;padding:1rem;box-shadow:0 1px 3px #0002}
        label{display:block;margin:.75rem 0 .25rem;font-weight:600}
        input[type=text],input[type=password]{box-sizing:border-box;width:100%;font-size:1.1rem;padding:.6rem;border:1px solid #9aa4af;border-radius:.35rem}
        fieldset{border:0;padding:0;margin:1rem 0 0}
        legend{font-weight:600}
        .scope{display:flex;gap:.5rem;align-items:flex-start;margin:.35rem 0;font-weight:400}
        .scope code{font-size:.8rem;color:#56606b}
        .hint{font-size:.85rem;color:#56606b}
        .error{background:#fdecea;color:#8a1c12;padding:.6rem;border-radius:.35rem}
        .buttons{display:flex;gap:.75rem;margin-top:1.25rem}
        button{flex:1;font-size:1.05rem;padding:.7rem;border-radius:.35rem;border:0;background:#0b5fad;color:#fff}
        button.secondary{background:#e3e7eb;color:#1b1f24}
        """

    static let page = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
        <title>Sign in to Dossier</title><style>\(style)</style></head>
        <body><main>
        <h1>Sign in to Dossier</h1>
        <p><strong>{{client}}</strong> asks to use your Dossier account.</p>
        {{#message}}<p class="error" role="alert">{{message}}</p>{{/message}}
        <form method="post" action="/authorize" autocomplete="on">
        {{#hidden}}<input type="hidden" name="{{name}}" value="{{value}}">
        {{/hidden}}
        <label for="username">Username</label>
        <input type="text" id="username" name="username" value="{{username}}" autocomplete="username" autocapitalize="none" required autofocus>
        <label for="password">Password</label>
        <input type="password" id="password" name="password" autocomplete="current-password" required>
        <label for="otp">Authenticator code</label>
        <input type="text" id="otp" name="otp" inputmode="numeric" pattern="[0-9 ]*" maxlength="7" autocomplete="one-time-code">
        <p class="hint">Professionals: the 6-digit code from your authenticator app.</p>
        <fieldset><legend>{{client}} will be able to</legend>
        {{#scopes}}<label class="scope"><input type="checkbox" name="grant" value="{{text}}" checked><span>{{label}}<br><code>{{text}}</code></span></label>
        {{/scopes}}
        </fieldset>
        <div class="buttons">
        <button type="submit" name="decision" value="allow">Sign in and allow</button>
        <button type="submit" name="decision" value="deny" class="secondary" formnovalidate>Deny</button>
        </div>
        </form>
        </main></body></html>
        """

    static let errorPage = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
        <title>Dossier sign-in</title><style>\(style)</style></head>
        <body><main><h1>This sign-in cannot go on</h1><p class="error" role="alert">{{message}}</p>
        <p class="hint">Go back to the application and start again, or ask its publisher.</p></main></body></html>
        """
}

extension String {
    /// The string with its first character upper-cased.
    var capitalizingFirst: String { prefix(1).uppercased() + dropFirst() }
}
