#pragma once

#include <QString>

namespace ktx {

// Process-wide list of secret values seen so far. Every path that resolves a
// secret registers it here; log output and error messages pass through redact()
// so a secret never reaches a terminal, a log file or a transcript.
class SecretRedactor
{
public:
    static void registerSecret(const QString &value);
    static QString redact(QString text);
    // Routes qDebug/qWarning/... through redact(); call once at start-up.
    static void installMessageHandler();
    // For tests.
    static void clear();
};

} // namespace ktx
