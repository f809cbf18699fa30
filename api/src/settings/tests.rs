use super::*;
use figment::Jail;

fn load_in(jail: &Jail, file: Option<&str>) -> Result<Settings, ConfigError> {
    let path = file.map(|name| jail.directory().join(name));
    Settings::load(path.as_deref(), &Overrides::default())
}

#[test]
fn keys_list_every_setting() {
    let serialized = serde_json::to_value(SettingsFile::default()).unwrap();
    let mut fields: Vec<_> = serialized.as_object().unwrap().keys().cloned().collect();
    let mut keys: Vec<_> = catalog::keys().iter().map(|k| k.to_string()).collect();
    fields.sort();
    keys.sort();
    assert_eq!(fields, keys);
}

#[test]
fn the_help_names_every_setting_and_its_default() {
    let help = catalog::configuration_help();
    let serialized = serde_json::to_value(SettingsFile::default()).unwrap();
    for key in serialized.as_object().unwrap().keys() {
        let variable = format!("PRACTICA_{}  [", key.to_uppercase());
        assert!(help.contains(&variable), "--help leaves out {key}");
    }
    assert!(help.contains("PRACTICA_DATABASE_URL  [sqlite://practica.db]"));
    assert!(help.contains("PRACTICA_METRICS_LISTEN  [unset]"));
}

#[test]
fn no_configuration_means_embedded_sqlite_on_localhost_8080() {
    Jail::expect_with(|jail| {
        let settings = load_in(jail, None).unwrap();
        assert_eq!(settings.http.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(settings.database.url, "sqlite://practica.db");
        assert_eq!(settings.redis_url, None);
        Ok(())
    });
}

#[test]
fn environment_overrides_file_and_command_line_overrides_both() {
    Jail::expect_with(|jail| {
        jail.create_file(
            "practica.toml",
            "listen = \"127.0.0.1:9000\"\nlog_format = \"json\"\nmax_body_bytes = 1000\n",
        )?;
        jail.set_env("PRACTICA_MAX_BODY_BYTES", "2000");
        let settings = load_in(jail, Some("practica.toml")).unwrap();
        assert_eq!(settings.http.listen.to_string(), "127.0.0.1:9000");
        assert_eq!(settings.log.format, LogFormat::Json);
        assert_eq!(settings.http.max_body_bytes, 2000);

        let overrides = Overrides {
            listen: Some("127.0.0.1:9100".parse().unwrap()),
        };
        let path = jail.directory().join("practica.toml");
        let settings = Settings::load(Some(&path), &overrides).unwrap();
        assert_eq!(settings.http.listen.to_string(), "127.0.0.1:9100");
        Ok(())
    });
}

#[test]
fn a_bad_environment_value_names_its_variable() {
    Jail::expect_with(|jail| {
        jail.set_env("PRACTICA_LISTEN", "not-an-address");
        let error = load_in(jail, None).unwrap_err();
        assert!(error.key.contains("PRACTICA_LISTEN"), "{error}");
        assert!(!error.to_string().contains('\n'));
        Ok(())
    });
}

#[test]
fn an_unknown_key_in_the_file_is_refused() {
    Jail::expect_with(|jail| {
        jail.create_file("practica.toml", "lisen = \"127.0.0.1:9000\"\n")?;
        let error = load_in(jail, Some("practica.toml")).unwrap_err();
        assert!(error.to_string().contains("lisen"), "{error}");
        Ok(())
    });
}

#[test]
fn unrelated_practica_variables_are_ignored() {
    Jail::expect_with(|jail| {
        jail.set_env("PRACTICA_TEST_DATABASE_URL", "postgres://elsewhere/db");
        assert!(load_in(jail, None).is_ok());
        Ok(())
    });
}

#[test]
fn a_database_url_of_another_kind_is_refused() {
    Jail::expect_with(|jail| {
        jail.set_env("PRACTICA_DATABASE_URL", "mysql://localhost/practica");
        let error = load_in(jail, None).unwrap_err();
        assert_eq!(error.key, "database_url");
        Ok(())
    });
}

#[test]
fn several_redis_urls_name_a_redis_cluster() {
    Jail::expect_with(|jail| {
        let urls = "redis://10.0.0.1:6379, redis://10.0.0.2:6379";
        jail.set_env("PRACTICA_REDIS_URL", urls);
        assert_eq!(load_in(jail, None).unwrap_err().key, "redis_url");
        jail.set_env("PRACTICA_REDIS_CLUSTER", "true");
        let settings = load_in(jail, None).unwrap();
        assert!(settings.redis_cluster);
        assert_eq!(settings.redis_url.as_deref(), Some(urls));
        Ok(())
    });
}

#[test]
fn an_empty_redis_url_means_no_redis() {
    Jail::expect_with(|jail| {
        jail.set_env("PRACTICA_REDIS_URL", "");
        assert_eq!(load_in(jail, None).unwrap().redis_url, None);
        Ok(())
    });
}

#[test]
fn secrets_never_show_in_debug_output() {
    Jail::expect_with(|jail| {
        jail.set_env("PRACTICA_ADMIN_PASSWORD", "a very secret password");
        let settings = load_in(jail, None).unwrap();
        assert!(!format!("{settings:?}").contains("very secret"));
        assert_eq!(
            settings.auth.admin_password.unwrap().expose(),
            "a very secret password"
        );
        Ok(())
    });
}

#[test]
fn a_weak_admin_password_is_refused() {
    Jail::expect_with(|jail| {
        jail.set_env("PRACTICA_ADMIN_PASSWORD", "short");
        assert_eq!(load_in(jail, None).unwrap_err().key, "admin_password");
        Ok(())
    });
}

#[test]
fn a_refused_secret_is_never_quoted() {
    Jail::expect_with(|jail| {
        // Read as a number by the configuration, and a common password besides.
        jail.set_env("PRACTICA_ADMIN_PASSWORD", "123456789012");
        let error = load_in(jail, None).unwrap_err();
        assert_eq!(error.key, "admin_password");
        let shown = format!("{error} {error:?}");
        assert!(!shown.contains("123456789012"), "{shown}");
        Ok(())
    });
}

#[test]
fn trusted_proxies_are_a_list_of_addresses() {
    Jail::expect_with(|jail| {
        jail.set_env("PRACTICA_TRUSTED_PROXIES", "[10.0.0.2, \"::1\"]");
        let settings = load_in(jail, None).unwrap();
        assert_eq!(settings.http.trusted_proxies.len(), 2);
        Ok(())
    });
}

#[test]
fn cors_origins_are_an_allow_list_of_exact_origins() {
    Jail::expect_with(|jail| {
        jail.set_env(
            "PRACTICA_CORS_ALLOWED_ORIGINS",
            "[\"https://app.example.org\", \"http://127.0.0.1:5173\", \"http://[::1]:5173\"]",
        );
        let settings = load_in(jail, None).unwrap();
        assert_eq!(
            settings.http.cors_allowed_origins,
            [
                "https://app.example.org",
                "http://127.0.0.1:5173",
                "http://[::1]:5173"
            ]
        );
        for bad in [
            "*",
            "https://app.example.org/",
            "app.example.org",
            "http://h:port",
            "https://App.Example.org",
            "http://[::1",
        ] {
            jail.set_env("PRACTICA_CORS_ALLOWED_ORIGINS", format!("[\"{bad}\"]"));
            let error = load_in(jail, None).unwrap_err();
            assert!(
                error.to_string().contains("cors_allowed_origins"),
                "{bad}: {error}"
            );
        }
        Ok(())
    });
}

#[test]
fn a_missing_config_file_is_refused() {
    Jail::expect_with(|jail| {
        let error = load_in(jail, Some("absent.toml")).unwrap_err();
        assert_eq!(error.key, "--config");
        Ok(())
    });
}

#[test]
fn single_jobs_take_their_own_intervals() {
    Jail::expect_with(|jail| {
        jail.create_file("practica.toml", "[job_intervals]\nlock-reaper = 300\n")?;
        let settings = load_in(jail, Some("practica.toml")).unwrap();
        let schedule = settings.job_schedule();
        assert_eq!(
            schedule.interval(domain::jobs::JobName::LockReaper),
            Duration::from_secs(300)
        );
        assert_eq!(
            schedule.interval(domain::jobs::JobName::IdempotencyPurge),
            domain::jobs::JobName::IdempotencyPurge.default_interval()
        );
        jail.create_file("bad.toml", "[job_intervals]\nnightly = 300\n")?;
        let error = load_in(jail, Some("bad.toml")).unwrap_err();
        assert_eq!(error.key, "job_intervals");
        Ok(())
    });
}
