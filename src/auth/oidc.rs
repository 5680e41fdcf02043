//! Single sign-on with the municipality's identity provider (OpenID Connect): the authorization
//! code flow with PKCE, state and nonce. The ID token's signature (the provider's published
//! keys), issuer, audience, expiry and nonce are checked by the `openidconnect` crate; Udsyn then
//! needs a verified e-mail address to find the person's account.
//!
//! The provider's discovery document and keys are fetched at each sign-on, so a key the provider
//! rotates is picked up at once. Sign-ons are rare next to page views.

use std::sync::OnceLock;
use std::time::Duration;

use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet, EndpointNotSet,
    EndpointSet, IssuerUrl, Nonce, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl,
    RequestTokenError, Scope, TokenResponse, reqwest,
};

/// The client as discovery makes it: an authorization endpoint, a token endpoint if the
/// provider names one, and the user-info endpoint likewise.
type Client = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

use crate::config::Oidc;

/// Where to send the browser, and what to remember until it comes back.
pub struct Begun {
    pub url: String,
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
}

/// Who the identity provider says signed in.
#[derive(Debug)]
pub struct Identity {
    pub email: String,
    /// The `amr` claim: how the person authenticated at the provider (e.g. `pwd`, `mfa`).
    pub amr: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    /// The provider could not be reached or its discovery document was unusable.
    #[error("identitetsudbyderen svarer ikke: {0}")]
    Unreachable(String),
    /// The provider refused the code, or the ID token failed a check.
    #[error("svaret fra identitetsudbyderen blev afvist: {0}")]
    Rejected(String),
    /// The ID token names no e-mail address, or the provider does not vouch for it.
    #[error("ingen bekræftet e-mailadresse i ID-tokenet")]
    NoVerifiedEmail,
}

fn http() -> &'static reqwest::Client {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        reqwest::ClientBuilder::new()
            // Following redirects would let a provider's answer point Udsyn anywhere (SSRF).
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .expect("an HTTP client with no custom roots builds")
    })
}

/// Udsyn's client at the provider, from its discovery document and keys.
async fn client(cfg: &Oidc) -> Result<Client, OidcError> {
    let issuer = IssuerUrl::new(cfg.issuer.clone())
        .map_err(|e| OidcError::Unreachable(format!("OIDC_ISSUER: {e}")))?;
    let meta = CoreProviderMetadata::discover_async(issuer, http())
        .await
        .map_err(|e| OidcError::Unreachable(error_chain(&e)))?;
    let redirect = RedirectUrl::new(cfg.redirect_url.clone())
        .map_err(|e| OidcError::Unreachable(format!("PUBLIC_URL: {e}")))?;
    Ok(CoreClient::from_provider_metadata(
        meta,
        ClientId::new(cfg.client_id.clone()),
        Some(ClientSecret::new(cfg.client_secret.clone())),
    )
    .set_redirect_uri(redirect))
}

/// The sign-on's first step: the provider's authorization address for this browser.
pub async fn begin(cfg: &Oidc) -> Result<Begun, OidcError> {
    let client = client(cfg).await?;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, state, nonce) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("email".into()))
        .set_pkce_challenge(challenge)
        .url();
    Ok(Begun {
        url: url.to_string(),
        state: state.secret().clone(),
        nonce: nonce.secret().clone(),
        pkce_verifier: verifier.secret().clone(),
    })
}

/// The sign-on's last step: the code exchanged for an ID token, and the token checked.
pub async fn finish(
    cfg: &Oidc,
    code: String,
    pkce_verifier: String,
    nonce: String,
) -> Result<Identity, OidcError> {
    let client = client(cfg).await?;
    let token = client
        .exchange_code(AuthorizationCode::new(code))
        .map_err(|e| OidcError::Unreachable(e.to_string()))?
        .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier))
        .request_async(http())
        .await
        .map_err(|e| match e {
            RequestTokenError::Request(e) => OidcError::Unreachable(error_chain(&e)),
            e => OidcError::Rejected(error_chain(&e)),
        })?;
    let id_token = token
        .id_token()
        .ok_or_else(|| OidcError::Rejected("intet ID-token i svaret".into()))?;
    let verifier = client.id_token_verifier();
    let claims = id_token
        .claims(&verifier, &Nonce::new(nonce))
        .map_err(|e| OidcError::Rejected(error_chain(&e)))?;
    let email = match (claims.email(), claims.email_verified()) {
        (Some(email), Some(true)) => email.as_str().trim().to_string(),
        _ => return Err(OidcError::NoVerifiedEmail),
    };
    let amr = claims
        .auth_method_refs()
        .map(|v| v.iter().map(|a| a.as_str().to_string()).collect())
        .unwrap_or_default();
    Ok(Identity { email, amr })
}

/// An error and its causes on one line, for the log (never a token: the crate's errors name
/// the failed check, not the token's text).
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        s.push_str(": ");
        s.push_str(&c.to_string());
        cause = c.source();
    }
    s
}
