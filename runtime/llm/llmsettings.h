#pragma once

#include "core/result.h"
#include "project/projectconfig.h"

#include <QMap>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace ktx {

// Everything a backend needs to make a call, resolved from ktx.yaml and the
// environment once: the key is read from its reference here, so a missing key is
// one clear error before any request is made.
struct LlmSettings
{
    QString backend = QStringLiteral("none");
    QMap<QString, QString> models; // role -> model id as configured
    QUrl baseUrl; // HTTP backends: API root (no trailing /v1 for Anthropic styles)
    QString apiKey; // resolved secret; never logged (registered with SecretRedactor)
    QString vertexProject;
    QString vertexLocation;
    QString vertexAccessToken;
    PromptCachingConfig promptCaching;
    QString projectDir;

    // Agent-CLI backends.
    QString executable; // absolute path of `claude` / `codex`
    // Variables set in the child after the isolation strip (tests point the CLIs
    // at fake servers with these; users rarely need them).
    QMap<QString, QString> childEnvironment;
    QStringList extraArguments; // appended before the prompt (codex: `-c key=value` pairs)
    int processTimeoutMs = 30 * 60 * 1000; // a CLI silent for this long is stopped

    // HTTP backends.
    int requestTimeoutMs = 10 * 60 * 1000;
    int idleTimeoutMs = 5 * 60 * 1000; // no byte for this long = a dead stream
    int maxOutputTokens = 8192;

    QString modelFor(const QString &role) const;
    bool isAgentCli() const
    {
        return backend == QLatin1String("claude-code") || backend == QLatin1String("codex");
    }
    bool isHttp() const;

    // Resolves backend, models, endpoint and key. Errors name the missing piece
    // and the fix (e.g. the environment variable to set).
    static Result<LlmSettings> fromConfig(const LlmConfig &config, const QString &projectDir,
                                          const QProcessEnvironment &environment
                                          = QProcessEnvironment::systemEnvironment());

    // Model presets written by setup for each backend (role -> model).
    static QMap<QString, QString> presetModels(const QString &backend,
                                               const QString &singleModel = {});
};

} // namespace ktx
