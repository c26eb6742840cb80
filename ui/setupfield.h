#pragma once

#include <QLatin1StringView>
#include <QList>

namespace ktx {

// QWizard field names. QWizard checks none of these strings, so every page and
// the progress file use these constants and nothing else.
namespace SetupField {

// "new" | "open" | "demo" (see ProjectLocationPage::Mode)
inline constexpr QLatin1StringView ProjectMode("project.mode");
// The project folder itself (not its parent), for all three modes.
inline constexpr QLatin1StringView ProjectDir("project.dir");
// Name written into a new project; empty means "the folder name".
inline constexpr QLatin1StringView ProjectName("project.name");
// The user agreed to put a new project into a folder that already has files.
inline constexpr QLatin1StringView AllowNonEmpty("project.allowNonEmpty");

// Model page ("llm" step). None of these is persisted in wizard.json: the page
// reads the saved choice from ktx.yaml each time, so a stale progress file can
// never override what the file says. The key itself is never a field.
// One of LlmConfig::backends().
inline constexpr QLatin1StringView LlmBackend("llm.backend");
// "env" (api_key: env:NAME) | "secret" (typed, stored under .ktx/secrets/) | "file"
inline constexpr QLatin1StringView LlmKeySource("llm.keySource");
inline constexpr QLatin1StringView LlmKeyEnv("llm.keyEnv");
inline constexpr QLatin1StringView LlmKeyFile("llm.keyFile");
inline constexpr QLatin1StringView LlmBaseUrl("llm.baseUrl"); // gateway, openai-compatible
inline constexpr QLatin1StringView LlmVertexProject("llm.vertexProject");
inline constexpr QLatin1StringView LlmVertexLocation("llm.vertexLocation");
// llm.models.<role>, one per LlmConfig::roles() entry; openai-compatible uses
// LlmModelDefault as the model of every role.
inline constexpr QLatin1StringView LlmModelDefault("llm.models.default");
inline constexpr QLatin1StringView LlmModelTriage("llm.models.triage");
inline constexpr QLatin1StringView LlmModelCandidateExtraction("llm.models.candidateExtraction");
inline constexpr QLatin1StringView LlmModelCurator("llm.models.curator");
inline constexpr QLatin1StringView LlmModelReconcile("llm.models.reconcile");
inline constexpr QLatin1StringView LlmModelRepair("llm.models.repair");
// The model fields in LlmConfig::roles() order.
inline QList<QLatin1StringView> llmModels()
{
    return {LlmModelDefault, LlmModelTriage,    LlmModelCandidateExtraction,
            LlmModelCurator, LlmModelReconcile, LlmModelRepair};
}

// Databases page ("databases" step). The password itself is never a field: it is
// stored under .ktx/secrets/ or referenced as an environment variable.
// "sqlite" | "postgres" | "mysql"
inline constexpr QLatin1StringView DatabaseDriver("databases.driver");
inline constexpr QLatin1StringView DatabaseFile("databases.file"); // SQLite file
inline constexpr QLatin1StringView DatabaseHost("databases.host");
inline constexpr QLatin1StringView DatabasePort("databases.port");
inline constexpr QLatin1StringView DatabaseName("databases.database");
inline constexpr QLatin1StringView DatabaseUser("databases.user");
inline constexpr QLatin1StringView DatabaseSchemas("databases.schemas"); // comma list (PostgreSQL)
inline constexpr QLatin1StringView DatabaseSslMode("databases.sslmode"); // PostgreSQL
// "secret" (stored under .ktx/secrets/) | "env" (password: env:NAME)
inline constexpr QLatin1StringView DatabasePasswordSource("databases.passwordSource");
inline constexpr QLatin1StringView DatabasePasswordEnv("databases.passwordEnv");
inline constexpr QLatin1StringView DatabaseConnectionId("databases.connectionId");

// Fields saved in .ktx/setup/wizard.json and restored on resume. Secrets never
// go here; a page that asks for one stores it under .ktx/secrets/ itself.
inline QList<QLatin1StringView> persisted()
{
    return {ProjectMode,
            ProjectDir,
            ProjectName,
            AllowNonEmpty,
            DatabaseDriver,
            DatabaseFile,
            DatabaseHost,
            DatabasePort,
            DatabaseName,
            DatabaseUser,
            DatabaseSchemas,
            DatabaseSslMode,
            DatabasePasswordSource,
            DatabasePasswordEnv};
}

} // namespace SetupField

} // namespace ktx
