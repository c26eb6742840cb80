#pragma once

#include "core/cancellationtoken.h"
#include "llm/llmsettings.h"

#include <QString>

namespace ktx {

// A live check that the configured model answers: a one-token request for the
// HTTP backends, a trivial run for claude-code and codex. A failure is
// classified so the fix can be exact: not installed, not signed in (or the key
// rejected), the model not available for this account, the server unreachable.
struct LlmProbeResult
{
    enum class Verdict {
        Ok,
        NotConfigured,
        NotInstalled,
        NotSignedIn,
        ModelUnavailable,
        Unreachable,
        Failed
    };
    Verdict verdict = Verdict::Failed;
    QString message;
    QString fix;
    QString model;
    qint64 elapsedMs = 0;

    bool ok() const { return verdict == Verdict::Ok; }
    QString verdictName() const;
};

class LlmProbe
{
public:
    // Blocking (seconds at most for HTTP; a CLI run takes longer): call it on a worker thread.
    static LlmProbeResult run(const LlmSettings &settings, const CancellationToken &cancel = {});
    // Resolves settings from config first; configuration errors become NotConfigured.
    static LlmProbeResult run(const LlmConfig &config, const QString &projectDir,
                              const CancellationToken &cancel = {});
    // The classification on its own (tests feed it error texts).
    static LlmProbeResult::Verdict classify(const QString &backend, const Error &error);
};

} // namespace ktx
