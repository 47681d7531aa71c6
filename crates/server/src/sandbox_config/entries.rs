//! The entries of the sandbox document that become registrations and faults.

use std::time::Duration;

use super::{
    ClientSettings, DataEncryptionSetting, FaultSettings, KeyTransportSetting, NameFormatSetting,
    SamlSpSettings, SandboxConfigError, SigningSetting,
};
use crate::config::Fault;
use crate::registration::{
    ClientRegistration, SamlAttributeNameFormat, SamlDataEncryption, SamlEncryption, SamlKeyTransport,
    SamlServiceProvider, SamlSigning,
};

/// Reads a file the document names, errors already mapped.
pub(super) type ReadFile<'a> = dyn FnMut(&str) -> Result<String, SandboxConfigError> + 'a;

impl ClientSettings {
    pub(super) fn to_registration(
        &self,
        read: &mut ReadFile<'_>,
    ) -> Result<ClientRegistration, SandboxConfigError> {
        let fail = |reason: String| SandboxConfigError::Client {
            client_id: self.client_id.clone(),
            reason,
        };
        let sources = [
            self.public_key.is_some(),
            self.public_key_file.is_some(),
            self.jwks.is_some(),
            self.jwks_file.is_some(),
            self.jwks_url.is_some(),
        ];
        if sources.iter().filter(|given| **given).count() != 1 {
            return Err(fail(String::from(
                "expected exactly one of public-key, public-key-file, jwks, jwks-file, jwks-url",
            )));
        }
        let registration = if let Some(pem) = &self.public_key {
            ClientRegistration::from_public_key_pem(&self.client_id, pem)
        } else if let Some(path) = &self.public_key_file {
            ClientRegistration::from_public_key_pem(&self.client_id, &read(path)?)
        } else if let Some(jwks) = &self.jwks {
            ClientRegistration::from_jwks_json(&self.client_id, &jwks.to_string())
        } else if let Some(path) = &self.jwks_file {
            ClientRegistration::from_jwks_json(&self.client_id, &read(path)?)
        } else {
            ClientRegistration::from_jwks_url(&self.client_id, self.jwks_url.as_deref().unwrap_or_default())
        };
        let registration = registration.map_err(|e| fail(e.to_string()))?;
        Ok(self.redirect_uris.iter().fold(registration, |registration, uri| {
            registration.with_redirect_uri(uri)
        }))
    }
}

impl SamlSpSettings {
    pub(super) fn to_provider(
        &self,
        read: &mut ReadFile<'_>,
    ) -> Result<SamlServiceProvider, SandboxConfigError> {
        let fail = |reason: String| SandboxConfigError::SamlServiceProvider {
            entity_id: self.entity_id.clone(),
            reason,
        };
        if self.entity_id.is_empty() {
            return Err(fail(String::from("empty entity-id")));
        }
        let Some((first, others)) = self.acs_urls.split_first() else {
            return Err(fail(String::from("expected at least one acs-urls entry")));
        };
        let mut provider = others
            .iter()
            .fold(SamlServiceProvider::new(&self.entity_id, first), |sp, url| {
                sp.with_acs_url(url)
            });
        if let Some(url) = &self.slo_url {
            provider = provider.with_slo_url(url);
        }
        let either =
            |inline: &Option<String>, file: &Option<String>, keys: &str, read: &mut ReadFile<'_>| match (
                inline, file,
            ) {
                (Some(_), Some(_)) => Err(fail(format!("give either {keys}, not both"))),
                (Some(pem), None) => Ok(Some(pem.clone())),
                (None, Some(path)) => read(path).map(Some),
                (None, None) => Ok(None),
            };
        let mut provider = provider
            .with_signing(match self.sign {
                None | Some(SigningSetting::Assertion) => SamlSigning::Assertion,
                Some(SigningSetting::Response) => SamlSigning::Response,
                Some(SigningSetting::Both) => SamlSigning::Both,
            })
            .with_attribute_name_format(match self.attribute_name_format {
                None | Some(NameFormatSetting::Basic) => SamlAttributeNameFormat::Basic,
                Some(NameFormatSetting::Uri) => SamlAttributeNameFormat::Uri,
            });
        let certificate = either(
            &self.certificate,
            &self.certificate_file,
            "certificate or certificate-file",
            read,
        )?;
        if let Some(pem) = certificate {
            provider = provider
                .with_certificate_pem(&pem)
                .map_err(|e| fail(e.to_string()))?;
        }
        let encryption = either(
            &self.encryption_certificate,
            &self.encryption_certificate_file,
            "encryption-certificate or encryption-certificate-file",
            read,
        )?;
        let algorithms = SamlEncryption::new(
            match self.encryption_algorithm {
                None | Some(DataEncryptionSetting::Aes128Gcm) => SamlDataEncryption::Aes128Gcm,
                Some(DataEncryptionSetting::Aes256Gcm) => SamlDataEncryption::Aes256Gcm,
                Some(DataEncryptionSetting::Aes128Cbc) => SamlDataEncryption::Aes128Cbc,
                Some(DataEncryptionSetting::Aes256Cbc) => SamlDataEncryption::Aes256Cbc,
            },
            match self.key_transport {
                None | Some(KeyTransportSetting::RsaOaepMgf1p) => SamlKeyTransport::RsaOaepMgf1p,
                Some(KeyTransportSetting::RsaOaep) => SamlKeyTransport::RsaOaep,
            },
        );
        match encryption {
            Some(pem) => provider
                .with_encryption_certificate_pem(&pem, algorithms)
                .map_err(|e| fail(e.to_string())),
            None if self.encryption_algorithm.is_some() || self.key_transport.is_some() => Err(fail(
                String::from("encryption-algorithm and key-transport need an encryption-certificate"),
            )),
            None => Ok(provider),
        }
    }
}

impl FaultSettings {
    pub(super) fn to_fault(&self, path: &str) -> Result<Fault, SandboxConfigError> {
        let fail = |reason: &str| SandboxConfigError::Fault {
            path: path.to_owned(),
            reason: reason.to_owned(),
        };
        if !path.starts_with('/') {
            return Err(fail("the path must start with /"));
        }
        let mut fault = match (self.status, self.retry_after_secs, self.malformed_body) {
            (None, None, false) => Fault::default(),
            (Some(status), None, false) if (400..=599).contains(&status) => Fault::status(status),
            (Some(_), None, false) => return Err(fail("status must be 400 to 599")),
            (None | Some(429), Some(secs), false) => Fault::too_many_requests(Duration::from_secs(secs)),
            (Some(_), Some(_), false) => return Err(fail("retry-after-secs goes with status 429 only")),
            (None, None, true) => Fault::malformed_body(),
            (_, _, true) => return Err(fail("malformed-body excludes status and retry-after-secs")),
        };
        if let Some(ms) = self.latency_ms {
            fault = fault.with_latency(Duration::from_millis(ms));
        }
        if fault.kind.is_none() && fault.latency.is_none() {
            return Err(fail(
                "expected latency-ms, status, retry-after-secs or malformed-body",
            ));
        }
        Ok(match self.times {
            Some(0) => return Err(fail("times must be at least 1")),
            Some(times) => fault.times(times),
            None => fault,
        })
    }
}
