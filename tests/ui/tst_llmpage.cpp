#include "fakemodelserver.h"
#include "llm/llmsettings.h"
#include "project/configloader.h"
#include "project/projectscaffold.h"
#include "project/setupprogress.h"
#include "project/yamldocument.h"
#include "ui/colorscheme.h"
#include "ui/llmpage.h"
#include "ui/setupfield.h"
#include "ui/setupwizard.h"

#include <QAbstractButton>
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QProgressBar>
#include <QPushButton>
#include <QScopeGuard>
#include <QSemaphore>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace ktx;
using ktx::test::FakeModelServer;

namespace {

constexpr int JobTimeoutMs = 30000;

// A file someone has lived with: comments above, beside and inside the llm block.
const QByteArray handWritten = R"(# Finance analytics — owned by data-platform.
# Do not put secrets here.

connections: {}

# We run without a model for now.
llm:
  provider:
    backend: none   # decided in March
  models: {}

ingest:
  workUnits:
    stepBudget: 30   # tuned in March
)";

QStringList commentLines(const QByteArray &text)
{
    QStringList lines;
    for (const QByteArray &line : text.split('\n')) {
        if (line.contains('#'))
            lines << QString::fromUtf8(line.mid(line.indexOf('#')));
    }
    return lines;
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate)
        && file.write(bytes) == bytes.size();
}

QString yamlText(const QByteArray &yaml, const QStringList &path)
{
    auto doc = YamlDocument::parse(yaml);
    if (!doc.ok())
        return QStringLiteral("<parse error>");
    const YamlNode *node = doc->at(path);
    return node ? node->text : QString();
}

QString lastCommitSubject(const QString &dir)
{
    QProcess git;
    git.setWorkingDirectory(dir);
    git.start(QStringLiteral("git"),
              {QStringLiteral("log"), QStringLiteral("-1"), QStringLiteral("--format=%s")});
    git.waitForFinished();
    return QString::fromUtf8(git.readAllStandardOutput().trimmed());
}

template<typename T> T *child(QWidget *parent, const char *name)
{
    return parent->findChild<T *>(QLatin1String(name));
}

// The openai-compatible base URL of a fake: the server's /v1 root.
QString openAiRoot(const FakeModelServer &server)
{
    return server.baseUrl().toString() + QStringLiteral("/v1");
}

// A loopback port nothing listens on.
quint16 closedPort()
{
    QTcpServer server;
    server.listen(QHostAddress::LocalHost, 0);
    const quint16 port = server.serverPort();
    server.close();
    return port;
}

} // namespace

class TestLlmPage : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void sitsBetweenProjectAndDatabases();
    void fieldsPerBackend_data();
    void fieldsPerBackend();
    void presetsPerBackend();
    void readsTheSavedChoice();
    void writesPresetsTheFileLacks();
    void savesClaudeCodeKeepingComments();
    void savesOpenAiCompatibleWithEnvKey();
    void typedKeyIsStoredAsSecretNeverInFiles();
    void emptiedKeyFieldRemovesTheReference();
    void invalidInputHoldsNextBack();
    void successfulCheckRunsOffTheGuiThread();
    void typedKeyIsUsedByTheCheckButNeverShown();
    void failedCheckSaysWhatAndHowToFix_data();
    void failedCheckSaysWhatAndHowToFix();
    void unreachableServer();
    void stopAndEditDropTheAnswer();
    void missingKeyNamesTheVariable();
    void agentCliNotInstalled();
    void keyboardReachesEverything();
    void screenshots();

private:
    QString newProject(const QString &name, const QByteArray &yaml = handWritten);
    QTemporaryDir m_root;
};

void TestLlmPage::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("ktx-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_llmpage"));
    QVERIFY(m_root.isValid());
    // The checks below must not pick up a key from the machine running them.
    qunsetenv("ANTHROPIC_API_KEY");
    qunsetenv("AI_GATEWAY_API_KEY");
}

QString TestLlmPage::newProject(const QString &name, const QByteArray &yaml)
{
    const QString dir = m_root.filePath(name);
    const Result<void> created = ProjectScaffold::create(dir, {});
    if (!created.ok()) {
        qWarning() << created.error().toText();
        return {};
    }
    return writeFile(QDir(dir).filePath(QStringLiteral("ktx.yaml")), yaml) ? dir : QString();
}

// Opens the wizard on the model page and waits until ktx.yaml is read.
#define OPEN_LLM_PAGE(dir)                                                                         \
    SetupWizard wizard(dir, QStringLiteral("llm"));                                                \
    wizard.show();                                                                                 \
    auto *page = qobject_cast<LlmPage *>(wizard.currentPage());                                    \
    QVERIFY(page);                                                                                 \
    QTRY_VERIFY_WITH_TIMEOUT(!page->isLoading(), JobTimeoutMs)

void TestLlmPage::sitsBetweenProjectAndDatabases()
{
    QCOMPARE(SetupWizard::pageForStep(QStringLiteral("llm")), int(SetupWizard::Page_Llm));
    QCOMPARE(SetupWizard::stepForPage(SetupWizard::Page_Llm), QStringLiteral("llm"));
    // The dashboard's "LLM ready" line offers "Fix…" for this step.
    QVERIFY(SetupWizard::availableSteps().contains(QStringLiteral("llm")));

    const QString dir = newProject(QStringLiteral("order"));
    QVERIFY(!dir.isEmpty());
    SetupWizard wizard(dir, QStringLiteral("project"));
    wizard.show();
    QCOMPARE(wizard.currentId(), int(SetupWizard::Page_Project));
    wizard.next();
    QCOMPARE(wizard.currentId(), int(SetupWizard::Page_Llm));
    auto *page = qobject_cast<LlmPage *>(wizard.currentPage());
    QVERIFY(page);
    QTRY_VERIFY_WITH_TIMEOUT(!page->isLoading(), JobTimeoutMs);
    const QByteArray before = readFile(QDir(dir).filePath(QStringLiteral("ktx.yaml")));
    wizard.next(); // nothing changed: on at once, nothing written
    QCOMPARE(wizard.currentId(), int(SetupWizard::Page_Databases));
    QCOMPARE(readFile(QDir(dir).filePath(QStringLiteral("ktx.yaml"))), before);
    wizard.back();
    QCOMPARE(wizard.currentId(), int(SetupWizard::Page_Llm));
}

void TestLlmPage::fieldsPerBackend_data()
{
    QTest::addColumn<QString>("backend");
    QTest::addColumn<bool>("key");
    QTest::addColumn<bool>("baseUrl");
    QTest::addColumn<bool>("vertex");
    QTest::addColumn<int>("modelFields"); // 0: no models box
    QTest::addColumn<QString>("needs"); // a word of the one-line description
    // Check works right after choosing: nothing else has to be typed first.
    QTest::addColumn<bool>("checkable");

    QTest::newRow("none") << "none" << false << false << false << 0 << "schemas" << false;
    QTest::newRow("anthropic") << "anthropic" << true << false << false << 6 << "ANTHROPIC_API_KEY"
                               << true;
    QTest::newRow("vertex") << "vertex" << false << false << true << 6 << "gcloud" << false;
    QTest::newRow("gateway") << "gateway" << true << true << false << 6 << "base URL" << false;
    QTest::newRow("openai-compatible")
        << "openai-compatible" << true << true << false << 1 << "/v1" << false;
    QTest::newRow("claude-code") << "claude-code" << false << false << false << 6 << "claude"
                                 << true;
    QTest::newRow("codex") << "codex" << false << false << false << 6 << "codex login" << true;
}

void TestLlmPage::fieldsPerBackend()
{
    QFETCH(QString, backend);
    QFETCH(bool, key);
    QFETCH(bool, baseUrl);
    QFETCH(bool, vertex);
    QFETCH(int, modelFields);
    QFETCH(QString, needs);
    QFETCH(bool, checkable);

    const QString dir = newProject(QStringLiteral("fields-") + backend);
    QVERIFY(!dir.isEmpty());
    OPEN_LLM_PAGE(dir);
    // Start from another backend so the switch really happens.
    wizard.setField(SetupField::LlmBackend,
                    backend == QLatin1String("codex") ? QStringLiteral("none")
                                                      : QStringLiteral("codex"));
    wizard.setField(SetupField::LlmBackend, backend);
    QCOMPARE(page->backend(), backend);

    QCOMPARE(child<QComboBox>(page, "llmKeySource")->isVisible(), key);
    QCOMPARE(child<QLabel>(page, "llmKeyNote")->isVisible(), key);
    QCOMPARE(child<QLineEdit>(page, "llmBaseUrl")->isVisible(), baseUrl);
    QCOMPARE(child<QLineEdit>(page, "llmVertexProject")->isVisible(), vertex);
    QCOMPARE(child<QLineEdit>(page, "llmVertexLocation")->isVisible(), vertex);
    QCOMPARE(child<QGroupBox>(page, "llmModels")->isVisible(), modelFields > 0);
    int shown = 0;
    for (const QString &role : LlmConfig::roles()) {
        auto *edit = page->findChild<QLineEdit *>(QStringLiteral("llmModel_") + role);
        QVERIFY(edit);
        shown += edit->isVisible() ? 1 : 0;
    }
    QCOMPARE(shown, modelFields);
    QVERIFY2(child<QLabel>(page, "llmBackendDescription")->text().contains(needs),
             qPrintable(child<QLabel>(page, "llmBackendDescription")->text()));
    QCOMPARE(child<QPushButton>(page, "llmCheck")->isEnabled(), checkable);

    if (key) {
        // Only the input for the chosen key source shows; the typed key is masked.
        wizard.setField(SetupField::LlmKeySource, QStringLiteral("secret"));
        QVERIFY(child<QLineEdit>(page, "llmKeyValue")->isVisible());
        QCOMPARE(child<QLineEdit>(page, "llmKeyValue")->echoMode(), QLineEdit::Password);
        QVERIFY(!child<QLineEdit>(page, "llmKeyEnv")->isVisible());
        wizard.setField(SetupField::LlmKeySource, QStringLiteral("file"));
        QVERIFY(child<QLineEdit>(page, "llmKeyFile")->isVisible());
        QVERIFY(!child<QLineEdit>(page, "llmKeyValue")->isVisible());
        wizard.setField(SetupField::LlmKeySource, QStringLiteral("env"));
        QVERIFY(child<QLineEdit>(page, "llmKeyEnv")->isVisible());
    }
}

void TestLlmPage::presetsPerBackend()
{
    const QString dir = newProject(QStringLiteral("presets"));
    QVERIFY(!dir.isEmpty());
    OPEN_LLM_PAGE(dir);
    const QList<QLatin1StringView> fields = SetupField::llmModels();
    for (const char *name : {"anthropic", "vertex", "gateway", "claude-code", "codex"}) {
        const QString backend = QLatin1String(name);
        wizard.setField(SetupField::LlmBackend, backend);
        const QMap<QString, QString> presets = LlmSettings::presetModels(backend);
        QVERIFY(!presets.isEmpty());
        for (int i = 0; i < fields.size(); ++i)
            QCOMPARE(wizard.field(fields.at(i)).toString(),
                     presets.value(LlmConfig::roles().at(i)));
        QCOMPARE(page->choice().models, presets);
    }
    // Spot checks against the spec's table, not just against the function.
    wizard.setField(SetupField::LlmBackend, QStringLiteral("claude-code"));
    QCOMPARE(wizard.field(SetupField::LlmModelDefault).toString(), QStringLiteral("sonnet"));
    QCOMPARE(wizard.field(SetupField::LlmModelCurator).toString(), QStringLiteral("opus"));
    wizard.setField(SetupField::LlmBackend, QStringLiteral("anthropic"));
    QCOMPARE(wizard.field(SetupField::LlmModelTriage).toString(),
             QStringLiteral("claude-haiku-4-5"));

    // Editable, and "Reset to presets" brings them back.
    wizard.setField(SetupField::LlmModelTriage, QStringLiteral("claude-sonnet-4-6"));
    QCOMPARE(page->choice().models.value(QStringLiteral("triage")),
             QStringLiteral("claude-sonnet-4-6"));
    QTest::mouseClick(child<QPushButton>(page, "llmPresets"), Qt::LeftButton);
    QCOMPARE(wizard.field(SetupField::LlmModelTriage).toString(),
             QStringLiteral("claude-haiku-4-5"));

    // openai-compatible has no preset: one model, used for every role.
    wizard.setField(SetupField::LlmBackend, QStringLiteral("openai-compatible"));
    QVERIFY(wizard.field(SetupField::LlmModelDefault).toString().isEmpty());
    wizard.setField(SetupField::LlmModelDefault, QStringLiteral("qwen-max"));
    const QMap<QString, QString> models = page->choice().models;
    QCOMPARE(models.size(), LlmConfig::roles().size());
    for (const QString &role : LlmConfig::roles())
        QCOMPARE(models.value(role), QStringLiteral("qwen-max"));
}

void TestLlmPage::readsTheSavedChoice()
{
    QByteArray yaml = handWritten;
    yaml.replace("    backend: none   # decided in March\n  models: {}\n",
                 "    backend: anthropic\n    anthropic:\n      api_key: env:TEAM_ANTHROPIC_KEY\n"
                 "  models:\n    default: claude-opus-4-7\n    triage: claude-haiku-4-5\n");
    const QString dir = newProject(QStringLiteral("saved"), yaml);
    QVERIFY(!dir.isEmpty());
    OPEN_LLM_PAGE(dir);
    QCOMPARE(page->backend(), QStringLiteral("anthropic"));
    QCOMPARE(page->keySource(), QStringLiteral("env"));
    QCOMPARE(wizard.field(SetupField::LlmKeyEnv).toString(), QStringLiteral("TEAM_ANTHROPIC_KEY"));
    QCOMPARE(wizard.field(SetupField::LlmModelDefault).toString(),
             QStringLiteral("claude-opus-4-7"));
    // A role the file leaves out falls back to default; the page shows it empty.
    QVERIFY(wizard.field(SetupField::LlmModelCurator).toString().isEmpty());
    QVERIFY(!page->hasUnsavedChanges());

    // Another backend fills its presets; coming back restores the file's values.
    wizard.setField(SetupField::LlmBackend, QStringLiteral("codex"));
    QCOMPARE(wizard.field(SetupField::LlmModelDefault).toString(), QStringLiteral("gpt-5.5"));
    QVERIFY(page->hasUnsavedChanges());
    wizard.setField(SetupField::LlmBackend, QStringLiteral("anthropic"));
    QCOMPARE(wizard.field(SetupField::LlmModelDefault).toString(),
             QStringLiteral("claude-opus-4-7"));
    QVERIFY(!page->hasUnsavedChanges());

    // Unchanged, Next writes nothing and commits nothing.
    const QString commit = lastCommitSubject(dir);
    wizard.next();
    QCOMPARE(wizard.currentId(), int(SetupWizard::Page_Databases));
    QCOMPARE(readFile(QDir(dir).filePath(QStringLiteral("ktx.yaml"))), yaml);
    QCOMPARE(lastCommitSubject(dir), commit);
}

void TestLlmPage::writesPresetsTheFileLacks()
{
    // A hand-edited file that names a backend but no model (status fails on it).
    QByteArray yaml = handWritten;
    yaml.replace("    backend: none   # decided in March\n", "    backend: codex   # try it\n");
    const QString dir = newProject(QStringLiteral("no-models"), yaml);
    QVERIFY(!dir.isEmpty());
    OPEN_LLM_PAGE(dir);
    QCOMPARE(page->backend(), QStringLiteral("codex"));
    QCOMPARE(wizard.field(SetupField::LlmModelDefault).toString(), QStringLiteral("gpt-5.5"));
    // What the page shows is not what the file says: Next writes it.
    QVERIFY(page->hasUnsavedChanges());
    QSignalSpy saved(page, &LlmPage::saved);
    wizard.next();
    QTRY_COMPARE_WITH_TIMEOUT(saved.count(), 1, JobTimeoutMs);
    const QByteArray after = readFile(QDir(dir).filePath(QStringLiteral("ktx.yaml")));
    QCOMPARE(yamlText(after,
                      {QStringLiteral("llm"), QStringLiteral("models"), QStringLiteral("default")}),
             QStringLiteral("gpt-5.5"));
    QVERIFY(after.contains("    backend: codex   # try it\n"));
}

void TestLlmPage::savesClaudeCodeKeepingComments()
{
    const QString dir = newProject(QStringLiteral("claude"));
    QVERIFY(!dir.isEmpty());
    OPEN_LLM_PAGE(dir);
    wizard.setField(SetupField::LlmBackend, QStringLiteral("claude-code"));
    wizard.setField(SetupField::LlmModelRepair, QStringLiteral("sonnet"));
    QVERIFY(page->hasUnsavedChanges());
    QVERIFY(page->isComplete());

    QSignalSpy saved(page, &LlmPage::saved);
    QSignalSpy failed(page, &LlmPage::saveFailed);
    wizard.next();
    // Next returned at once; ktx.yaml is written on the pool, then the wizard moves on.
    QVERIFY(page->isSaving());
    QCOMPARE(wizard.currentId(), int(SetupWizard::Page_Llm));
    QVERIFY(wizard.isBusy());
    QTRY_VERIFY_WITH_TIMEOUT(saved.count() + failed.count() > 0, JobTimeoutMs);
    QVERIFY2(failed.isEmpty(),
             failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
    QTRY_COMPARE(wizard.currentId(), int(SetupWizard::Page_Databases));

    // Exactly the lines that must change, every comment where it was.
    QByteArray expected = handWritten;
    expected.replace("    backend: none   # decided in March\n  models: {}\n",
                     "    backend: claude-code   # decided in March\n"
                     "  models:\n    default: sonnet\n    triage: haiku\n"
                     "    candidateExtraction: sonnet\n    curator: opus\n    reconcile: opus\n"
                     "    repair: sonnet\n");
    expected.replace(
        "    stepBudget: 30   # tuned in March\n",
        "    stepBudget: 30   # tuned in March\nscan:\n  enrichment:\n    mode: llm\n");
    const QByteArray after = readFile(QDir(dir).filePath(QStringLiteral("ktx.yaml")));
    for (const QString &comment : commentLines(handWritten))
        QVERIFY2(after.contains(comment.toUtf8()), qPrintable(QStringLiteral("lost: ") + comment));
    QCOMPARE(after, expected);
    const LoadedConfig loaded = ConfigLoader::fromText(after);
    QCOMPARE(loaded.config.llm.backend, QStringLiteral("claude-code"));
    QCOMPARE(loaded.config.llm.modelFor(QStringLiteral("repair")), QStringLiteral("sonnet"));
    QCOMPARE(lastCommitSubject(dir), QStringLiteral("setup: use LLM backend claude-code"));
    QTRY_VERIFY_WITH_TIMEOUT(SetupProgress::load(dir).isCompleted(QStringLiteral("llm")),
                             JobTimeoutMs);

    // Back on the page, the saved choice is what it shows, with nothing pending.
    wizard.back();
    QCOMPARE(wizard.currentId(), int(SetupWizard::Page_Llm));
    QVERIFY(!page->hasUnsavedChanges());
}

void TestLlmPage::savesOpenAiCompatibleWithEnvKey()
{
    const QString dir = newProject(QStringLiteral("openai"));
    QVERIFY(!dir.isEmpty());
    OPEN_LLM_PAGE(dir);
    wizard.setField(SetupField::LlmBackend, QStringLiteral("openai-compatible"));
    wizard.setField(SetupField::LlmBaseUrl, QStringLiteral("https://dashscope.example.com/v1"));
    wizard.setField(SetupField::LlmModelDefault, QStringLiteral("qwen-max"));
    wizard.setField(SetupField::LlmKeySource, QStringLiteral("env"));
    wizard.setField(SetupField::LlmKeyEnv, QStringLiteral("DASHSCOPE_API_KEY"));
    QSignalSpy saved(page, &LlmPage::saved);
    wizard.next();
    QTRY_COMPARE_WITH_TIMEOUT(saved.count(), 1, JobTimeoutMs);
    QTRY_COMPARE(wizard.currentId(), int(SetupWizard::Page_Databases));

    const QByteArray yaml = readFile(QDir(dir).filePath(QStringLiteral("ktx.yaml")));
    const QStringList provider = {QStringLiteral("llm"), QStringLiteral("provider")};
    QCOMPARE(yamlText(yaml, provider + QStringList {QStringLiteral("backend")}),
             QStringLiteral("openai-compatible"));
    QCOMPARE(yamlText(yaml,
                      provider
                          + QStringList {QStringLiteral("openaiCompatible"),
                                         QStringLiteral("base_url")}),
             QStringLiteral("https://dashscope.example.com/v1"));
    QCOMPARE(
        yamlText(yaml,
                 provider
                     + QStringList {QStringLiteral("openaiCompatible"), QStringLiteral("api_key")}),
        QStringLiteral("env:DASHSCOPE_API_KEY"));
    for (const QString &role : LlmConfig::roles())
        QCOMPARE(yamlText(yaml, {QStringLiteral("llm"), QStringLiteral("models"), role}),
                 QStringLiteral("qwen-max"));
    QCOMPARE(
        yamlText(yaml,
                 {QStringLiteral("scan"), QStringLiteral("enrichment"), QStringLiteral("mode")}),
        QStringLiteral("llm"));
    // openai-compatible ignores prompt caching; setup does not write it.
    QVERIFY(!yaml.contains("promptCaching"));
    for (const QString &comment : commentLines(handWritten))
        QVERIFY2(yaml.contains(comment.toUtf8()), qPrintable(QStringLiteral("lost: ") + comment));
}

void TestLlmPage::typedKeyIsStoredAsSecretNeverInFiles()
{
    const QString dir = newProject(QStringLiteral("secret"));
    QVERIFY(!dir.isEmpty());
    const QString key = QStringLiteral("sk-ant-typed-key-never-in-yaml-42");
    {
        OPEN_LLM_PAGE(dir);
        wizard.setField(SetupField::LlmBackend, QStringLiteral("anthropic"));
        wizard.setField(SetupField::LlmKeySource, QStringLiteral("secret"));
        QVERIFY(!page->isComplete()); // a stored-secret choice needs the key
        QVERIFY(child<QLabel>(page, "llmProblem")->isVisible());
        auto *keyEdit = child<QLineEdit>(page, "llmKeyValue");
        QCOMPARE(keyEdit->echoMode(), QLineEdit::Password);
        keyEdit->setFocus();
        QTest::keyClicks(keyEdit, key);
        QVERIFY(page->isComplete());
        QSignalSpy saved(page, &LlmPage::saved);
        wizard.next();
        QTRY_COMPARE_WITH_TIMEOUT(saved.count(), 1, JobTimeoutMs);
        QVERIFY(keyEdit->text().isEmpty()); // not kept around after it is stored
        QTRY_COMPARE(wizard.currentId(), int(SetupWizard::Page_Databases));
        wizard.back();
        // Stored now: the page says so and has nothing pending.
        QCOMPARE(page->keySource(), QStringLiteral("secret"));
        QVERIFY(!page->hasUnsavedChanges());
        QVERIFY(page->isComplete());
        QVERIFY(keyEdit->placeholderText().contains(QStringLiteral("stored")));
        wizard.next(); // saves wizard.json
    }
    const QByteArray yaml = readFile(QDir(dir).filePath(QStringLiteral("ktx.yaml")));
    QVERIFY2(yaml.contains("api_key: file:.ktx/secrets/anthropic-api-key"), yaml.constData());
    QVERIFY(!yaml.contains(key.toUtf8()));
    QVERIFY(yaml.contains("promptCaching:"));
    QCOMPARE(yamlText(yaml,
                      {QStringLiteral("llm"), QStringLiteral("promptCaching"),
                       QStringLiteral("enabled")}),
             QStringLiteral("true"));
    const QString secret = QDir(dir).filePath(QStringLiteral(".ktx/secrets/anthropic-api-key"));
    QCOMPARE(readFile(secret), key.toUtf8() + '\n');
    QCOMPARE(QFile::permissions(secret) & (QFile::ReadGroup | QFile::ReadOther),
             QFile::Permissions());
    QTRY_VERIFY(QFile::exists(QDir(dir).filePath(QStringLiteral(".ktx/setup/wizard.json"))));
    QTest::qWait(200);
    QVERIFY(!readFile(QDir(dir).filePath(QStringLiteral(".ktx/setup/wizard.json")))
                 .contains(key.toUtf8()));
    // Not committed either: the commit holds ktx.yaml only.
    QProcess git;
    git.setWorkingDirectory(dir);
    git.start(QStringLiteral("git"), {QStringLiteral("log"), QStringLiteral("-p")});
    QVERIFY(git.waitForFinished());
    QVERIFY(!git.readAllStandardOutput().contains(key.toUtf8()));
}

void TestLlmPage::emptiedKeyFieldRemovesTheReference()
{
    QByteArray yaml = handWritten;
    yaml.replace("    backend: none   # decided in March\n  models: {}\n",
                 "    backend: gateway\n    gateway:\n      api_key: env:OLD_GATEWAY_KEY\n"
                 "      base_url: https://gw.example.com\n"
                 "  models:\n    default: claude-sonnet-4-6\n");
    const QString dir = newProject(QStringLiteral("emptied"), yaml);
    QVERIFY(!dir.isEmpty());
    OPEN_LLM_PAGE(dir);
    QCOMPARE(wizard.field(SetupField::LlmKeyEnv).toString(), QStringLiteral("OLD_GATEWAY_KEY"));
    QCOMPARE(wizard.field(SetupField::LlmBaseUrl).toString(),
             QStringLiteral("https://gw.example.com"));
    wizard.setField(SetupField::LlmKeyEnv, QString());
    // The page says where the key comes from now.
    QVERIFY(
        child<QLabel>(page, "llmKeyNote")->text().contains(QStringLiteral("AI_GATEWAY_API_KEY")));
    QSignalSpy saved(page, &LlmPage::saved);
    wizard.next();
    QTRY_COMPARE_WITH_TIMEOUT(saved.count(), 1, JobTimeoutMs);
    const QByteArray after = readFile(QDir(dir).filePath(QStringLiteral("ktx.yaml")));
    QVERIFY2(!after.contains("OLD_GATEWAY_KEY"), after.constData());
    QVERIFY(after.contains("base_url: https://gw.example.com"));
    for (const ConfigIssue &issue : ConfigLoader::fromText(after).issues)
        QVERIFY2(!issue.isError(), qPrintable(issue.message));
}

void TestLlmPage::invalidInputHoldsNextBack()
{
    const QString dir = newProject(QStringLiteral("invalid"));
    QVERIFY(!dir.isEmpty());
    OPEN_LLM_PAGE(dir);
    const QByteArray before = readFile(QDir(dir).filePath(QStringLiteral("ktx.yaml")));
    wizard.setField(SetupField::LlmBackend, QStringLiteral("openai-compatible"));
    auto *problem = child<QLabel>(page, "llmProblem");
    QVERIFY(!page->isComplete());
    QVERIFY(!wizard.button(QWizard::NextButton)->isEnabled());
    QVERIFY2(problem->isVisible() && problem->text().contains(QStringLiteral("base_url")),
             qPrintable(problem->text()));
    wizard.setField(SetupField::LlmBaseUrl, QStringLiteral("localhost:11434"));
    QVERIFY2(problem->text().contains(QStringLiteral("http://")), qPrintable(problem->text()));
    wizard.setField(SetupField::LlmBaseUrl, QStringLiteral("http://127.0.0.1:11434/v1"));
    QVERIFY2(problem->text().contains(QStringLiteral("models.default")),
             qPrintable(problem->text()));
    QVERIFY(!child<QPushButton>(page, "llmCheck")->isEnabled());
    wizard.setField(SetupField::LlmModelDefault, QStringLiteral("llama3.1"));
    QVERIFY(problem->isHidden());
    QVERIFY(page->isComplete());
    QVERIFY(child<QPushButton>(page, "llmCheck")->isEnabled());

    wizard.setField(SetupField::LlmBackend, QStringLiteral("vertex"));
    QVERIFY(!page->isComplete());
    QVERIFY(problem->text().contains(QStringLiteral("vertex.project")));
    wizard.setField(SetupField::LlmVertexProject, QStringLiteral("analytics-prod"));
    QVERIFY(page->isComplete());
    QCOMPARE(page->choice().vertexLocation, QStringLiteral("us-east5"));
    // Nothing was written while the input was incomplete.
    QCOMPARE(readFile(QDir(dir).filePath(QStringLiteral("ktx.yaml"))), before);
}

void TestLlmPage::successfulCheckRunsOffTheGuiThread()
{
    // Declared before the server: its thread may still use them until it is gone.
    QSemaphore release;
    QSemaphore arrived;
    FakeModelServer server;
    server.setScript([&](const FakeModelServer::Request &, int) {
        arrived.release();
        // Hold the answer until the GUI thread says so: a probe on the GUI
        // thread could never get that word, and the test would time out.
        release.tryAcquire(1, JobTimeoutMs);
        return FakeModelServer::Reply::say(QStringLiteral("ok"));
    });
    const QString dir = newProject(QStringLiteral("check-ok"));
    QVERIFY(!dir.isEmpty());
    OPEN_LLM_PAGE(dir);
    wizard.setField(SetupField::LlmBackend, QStringLiteral("openai-compatible"));
    wizard.setField(SetupField::LlmBaseUrl, openAiRoot(server));
    wizard.setField(SetupField::LlmModelDefault, QStringLiteral("fake-model"));

    QSignalSpy finished(page, &LlmPage::checkFinished);
    auto *check = child<QPushButton>(page, "llmCheck");
    QVERIFY(check->isEnabled());
    QTest::mouseClick(check, Qt::LeftButton);
    // The click returned with the spinner, the stop button and a "Checking" line.
    QVERIFY(page->isChecking());
    QVERIFY(child<QProgressBar>(page, "llmCheckBusy")->isVisible());
    QVERIFY(child<QPushButton>(page, "llmCheckStop")->isVisible());
    QVERIFY(child<QLabel>(page, "llmCheckResult")->text().contains(QStringLiteral("fake-model")));
    // The request is at the server while this thread keeps running its event loop.
    QTRY_VERIFY_WITH_TIMEOUT(arrived.available() > 0, JobTimeoutMs);
    QTest::qWait(50);
    QVERIFY(page->isChecking());
    QCOMPARE(finished.count(), 0);
    release.release();

    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, JobTimeoutMs);
    QCOMPARE(finished.first().first().toBool(), true);
    QVERIFY(!page->isChecking());
    QVERIFY(!child<QProgressBar>(page, "llmCheckBusy")->isVisible());
    QCOMPARE(page->checkResult().verdict, LlmProbeResult::Verdict::Ok);
    QCOMPARE(page->checkResult().model, QStringLiteral("fake-model"));
    const QString text = child<QLabel>(page, "llmCheckResult")->text();
    QVERIFY2(text.contains(QStringLiteral("answered"))
                 && text.contains(QStringLiteral("fake-model")),
             qPrintable(text));
    const QList<FakeModelServer::Request> requests = server.requests();
    QCOMPARE(requests.size(), 1);
    QCOMPARE(requests.first().path, QStringLiteral("/v1/chat/completions"));
    QCOMPARE(requests.first().body.value(QStringLiteral("model")).toString(),
             QStringLiteral("fake-model"));
    // A check saves nothing.
    QVERIFY(page->hasUnsavedChanges());
    QVERIFY(!readFile(QDir(dir).filePath(QStringLiteral("ktx.yaml"))).contains("fake-model"));
}

void TestLlmPage::typedKeyIsUsedByTheCheckButNeverShown()
{
    FakeModelServer server;
    const QString key = QStringLiteral("sk-ant-check-only-7f3a9");
    server.setScript([](const FakeModelServer::Request &, int) {
        return FakeModelServer::Reply::say(QStringLiteral("ok"));
    });
    // The Anthropic endpoint comes from ktx.yaml (the page has no field for it).
    QByteArray yaml = handWritten;
    const QByteArray endpoint
        = "    anthropic:\n      base_url: " + server.baseUrl().toString().toUtf8() + "\n";
    yaml.replace("    backend: none   # decided in March\n",
                 QByteArray(QByteArray("    backend: none   # decided in March\n") + endpoint));
    const QString dir = newProject(QStringLiteral("check-key"), yaml);
    QVERIFY(!dir.isEmpty());
    OPEN_LLM_PAGE(dir);
    wizard.setField(SetupField::LlmBackend, QStringLiteral("anthropic"));
    wizard.setField(SetupField::LlmKeySource, QStringLiteral("secret"));
    child<QLineEdit>(page, "llmKeyValue")->setText(key);
    QSignalSpy finished(page, &LlmPage::checkFinished);
    page->check();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, JobTimeoutMs);
    QVERIFY2(finished.first().first().toBool(),
             qPrintable(child<QLabel>(page, "llmCheckResult")->text()));
    QCOMPARE(server.requestCount(), 1);
    QCOMPARE(server.requests().first().path, QStringLiteral("/v1/messages"));
    QCOMPARE(
        QString::fromUtf8(server.requests().first().headers.isEmpty()
                              ? QByteArray()
                              : httpHeaderValue(server.requests().first().headers, "x-api-key")),
        key);
    QVERIFY(!child<QLabel>(page, "llmCheckResult")->text().contains(key));
    // Checked, not saved: neither ktx.yaml nor .ktx/secrets has it.
    QVERIFY(!readFile(QDir(dir).filePath(QStringLiteral("ktx.yaml"))).contains(key.toUtf8()));
    QVERIFY(!QFile::exists(QDir(dir).filePath(QStringLiteral(".ktx/secrets/anthropic-api-key"))));
}

void TestLlmPage::failedCheckSaysWhatAndHowToFix_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("errorType");
    QTest::addColumn<int>("verdict");
    QTest::addColumn<QString>("title");
    QTest::addColumn<QString>("fix");

    QTest::newRow("401 key rejected")
        << 401 << "authentication_error" << int(LlmProbeResult::Verdict::NotSignedIn)
        << "Key not accepted"
        << "api_key";
    QTest::newRow("404 model unknown")
        << 404 << "not_found_error" << int(LlmProbeResult::Verdict::ModelUnavailable)
        << "Model not available"
        << "llm.models.default";
}

void TestLlmPage::failedCheckSaysWhatAndHowToFix()
{
    QFETCH(int, status);
    QFETCH(QString, errorType);
    QFETCH(int, verdict);
    QFETCH(QString, title);
    QFETCH(QString, fix);

    FakeModelServer server;
    server.setScript([status, errorType](const FakeModelServer::Request &, int) {
        return FakeModelServer::Reply::httpError(status, errorType);
    });
    const QString dir = newProject(QStringLiteral("check-fail-%1").arg(status));
    QVERIFY(!dir.isEmpty());
    OPEN_LLM_PAGE(dir);
    wizard.setField(SetupField::LlmBackend, QStringLiteral("openai-compatible"));
    wizard.setField(SetupField::LlmBaseUrl, openAiRoot(server));
    wizard.setField(SetupField::LlmModelDefault, QStringLiteral("not-my-model"));
    QSignalSpy finished(page, &LlmPage::checkFinished);
    QTest::mouseClick(child<QPushButton>(page, "llmCheck"), Qt::LeftButton);
    QVERIFY(page->isChecking());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, JobTimeoutMs);
    QCOMPARE(finished.first().first().toBool(), false);
    QCOMPARE(int(page->checkResult().verdict), verdict);
    const QString text = child<QLabel>(page, "llmCheckResult")->text();
    QVERIFY2(text.contains(title), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("Fix:")) && text.contains(fix), qPrintable(text));
    QVERIFY(!page->checkResult().fix.isEmpty());
    QVERIFY(text.contains(page->checkResult().fix.left(20).toHtmlEscaped()));
    QVERIFY(!child<QProgressBar>(page, "llmCheckBusy")->isVisible());
    // A failed check does not keep Next from saving what was typed.
    QVERIFY(page->isComplete());
}

void TestLlmPage::unreachableServer()
{
    const QString dir = newProject(QStringLiteral("check-closed"));
    QVERIFY(!dir.isEmpty());
    OPEN_LLM_PAGE(dir);
    wizard.setField(SetupField::LlmBackend, QStringLiteral("openai-compatible"));
    wizard.setField(SetupField::LlmBaseUrl,
                    QStringLiteral("http://127.0.0.1:%1/v1").arg(closedPort()));
    wizard.setField(SetupField::LlmModelDefault, QStringLiteral("llama3.1"));
    QSignalSpy finished(page, &LlmPage::checkFinished);
    page->check();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, JobTimeoutMs);
    QCOMPARE(finished.first().first().toBool(), false);
    QCOMPARE(page->checkResult().verdict, LlmProbeResult::Verdict::Unreachable);
    const QString text = child<QLabel>(page, "llmCheckResult")->text();
    QVERIFY2(text.contains(QStringLiteral("Server unreachable"))
                 && text.contains(QStringLiteral("base URL")),
             qPrintable(text));
}

void TestLlmPage::stopAndEditDropTheAnswer()
{
    QSemaphore release;
    FakeModelServer server;
    server.setScript([&](const FakeModelServer::Request &, int) {
        release.tryAcquire(1, JobTimeoutMs);
        return FakeModelServer::Reply::say(QStringLiteral("ok"));
    });
    const QString dir = newProject(QStringLiteral("check-stop"));
    QVERIFY(!dir.isEmpty());
    OPEN_LLM_PAGE(dir);
    wizard.setField(SetupField::LlmBackend, QStringLiteral("openai-compatible"));
    wizard.setField(SetupField::LlmBaseUrl, openAiRoot(server));
    wizard.setField(SetupField::LlmModelDefault, QStringLiteral("fake-model"));
    QSignalSpy finished(page, &LlmPage::checkFinished);

    // Stop: the spinner goes at once and the late answer is dropped.
    page->check();
    QVERIFY(page->isChecking());
    auto *stop = child<QPushButton>(page, "llmCheckStop");
    QVERIFY(stop->isVisible());
    QTest::mouseClick(stop, Qt::LeftButton);
    QVERIFY(!page->isChecking());
    QVERIFY(!child<QProgressBar>(page, "llmCheckBusy")->isVisible());
    QCOMPARE(child<QLabel>(page, "llmCheckResult")->text(), QStringLiteral("Check stopped."));
    release.release();
    QTest::qWait(500);
    QCOMPARE(finished.count(), 0);

    // An edit while checking makes the answer stale as well.
    page->check();
    QVERIFY(page->isChecking());
    wizard.setField(SetupField::LlmModelDefault, QStringLiteral("other-model"));
    QVERIFY(!page->isChecking());
    release.release();
    QTest::qWait(500);
    QCOMPARE(finished.count(), 0);
    QVERIFY(child<QLabel>(page, "llmCheckResult")->text().isEmpty());

    // And a finished answer goes away once the input it was about changes.
    release.release();
    page->check();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, JobTimeoutMs);
    QVERIFY(!child<QLabel>(page, "llmCheckResult")->text().isEmpty());
    wizard.setField(SetupField::LlmModelDefault, QStringLiteral("third-model"));
    QVERIFY(child<QLabel>(page, "llmCheckResult")->text().isEmpty());
    QCOMPARE(page->checkResult().verdict, LlmProbeResult::Verdict::Failed); // reset
}

void TestLlmPage::missingKeyNamesTheVariable()
{
    const QString dir = newProject(QStringLiteral("check-nokey"));
    QVERIFY(!dir.isEmpty());
    OPEN_LLM_PAGE(dir);
    wizard.setField(SetupField::LlmBackend, QStringLiteral("anthropic"));
    wizard.setField(SetupField::LlmKeyEnv, QStringLiteral("KTX_TEST_UNSET_ANTHROPIC_KEY"));
    QSignalSpy finished(page, &LlmPage::checkFinished);
    page->check();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, JobTimeoutMs);
    QCOMPARE(page->checkResult().verdict, LlmProbeResult::Verdict::NotConfigured);
    const QString text = child<QLabel>(page, "llmCheckResult")->text();
    QVERIFY2(text.contains(QStringLiteral("Not configured"))
                 && text.contains(QStringLiteral("KTX_TEST_UNSET_ANTHROPIC_KEY")),
             qPrintable(text));
}

void TestLlmPage::agentCliNotInstalled()
{
    // A PATH with nothing on it: `codex` cannot be found, whatever the machine has.
    QTemporaryDir emptyBin;
    const QByteArray path = qgetenv("PATH");
    const QByteArray override = qgetenv("KTX_CODEX_EXECUTABLE");
    qputenv("PATH", emptyBin.path().toUtf8());
    qunsetenv("KTX_CODEX_EXECUTABLE");
    const auto restore = qScopeGuard([&] {
        qputenv("PATH", path);
        if (!override.isEmpty())
            qputenv("KTX_CODEX_EXECUTABLE", override);
    });
    const QString dir = newProject(QStringLiteral("check-codex"));
    QVERIFY(!dir.isEmpty());
    OPEN_LLM_PAGE(dir);
    wizard.setField(SetupField::LlmBackend, QStringLiteral("codex"));
    QSignalSpy finished(page, &LlmPage::checkFinished);
    QTest::mouseClick(child<QPushButton>(page, "llmCheck"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, JobTimeoutMs);
    QCOMPARE(page->checkResult().verdict, LlmProbeResult::Verdict::NotInstalled);
    const QString text = child<QLabel>(page, "llmCheckResult")->text();
    QVERIFY2(text.contains(QStringLiteral("Not installed"))
                 && text.contains(QStringLiteral("npm install -g @openai/codex"))
                 && text.contains(QStringLiteral("codex login")),
             qPrintable(text));
}

void TestLlmPage::keyboardReachesEverything()
{
    const QString dir = newProject(QStringLiteral("keys"));
    QVERIFY(!dir.isEmpty());
    OPEN_LLM_PAGE(dir);
    QApplication::setActiveWindow(&wizard);
    QVERIFY(QTest::qWaitForWindowActive(&wizard));
    // Alt+L: the backend; the keyboard picks one like the mouse would.
    QTest::keyClick(&wizard, Qt::Key_L, Qt::AltModifier);
    auto *backendBox = child<QComboBox>(page, "llmBackend");
    QTRY_VERIFY(backendBox->hasFocus());
    backendBox->setCurrentIndex(backendBox->findData(QStringLiteral("gateway")));
    QCOMPARE(page->backend(), QStringLiteral("gateway"));
    QCOMPARE(wizard.field(SetupField::LlmModelDefault).toString(),
             QStringLiteral("claude-sonnet-4-6"));

    // Tab walks through every control the gateway needs, in reading order.
    QStringList order;
    QWidget *w = backendBox;
    for (int i = 0; i < 40; ++i) {
        w = w->nextInFocusChain();
        if (w == backendBox)
            break;
        if (w->isVisible() && w->isEnabled() && (w->focusPolicy() & Qt::TabFocus)
            && page->isAncestorOf(w) && !w->objectName().isEmpty())
            order << w->objectName();
    }
    const QStringList expected
        = {QStringLiteral("llmKeySource"),     QStringLiteral("llmKeyEnv"),
           QStringLiteral("llmBaseUrl"),       QStringLiteral("llmModel_default"),
           QStringLiteral("llmModel_triage"),  QStringLiteral("llmModel_candidateExtraction"),
           QStringLiteral("llmModel_curator"), QStringLiteral("llmModel_reconcile"),
           QStringLiteral("llmModel_repair"),  QStringLiteral("llmPresets")};
    QCOMPARE(order, expected);

    // Alt+U: base URL; typing fills it; Alt+H runs the check.
    QTest::keyClick(&wizard, Qt::Key_U, Qt::AltModifier);
    QTRY_VERIFY(child<QLineEdit>(page, "llmBaseUrl")->hasFocus());
    QTest::keyClicks(QApplication::focusWidget(),
                     QStringLiteral("http://127.0.0.1:%1").arg(closedPort()));
    QVERIFY(child<QPushButton>(page, "llmCheck")->isEnabled());
    QSignalSpy finished(page, &LlmPage::checkFinished);
    QTest::keyClick(&wizard, Qt::Key_H, Qt::AltModifier);
    // A mnemonic animates the click, so the check starts a moment later.
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, JobTimeoutMs);
    // No gateway key in this environment: the check says so before any request.
    QCOMPARE(page->checkResult().verdict, LlmProbeResult::Verdict::NotConfigured);
}

void TestLlmPage::screenshots()
{
    // For documentation and review: KTX_SCREENSHOT_DIR=/tmp/shots tst_llmpage screenshots
    const QString out = qEnvironmentVariable("KTX_SCREENSHOT_DIR");
    if (out.isEmpty())
        QSKIP("set KTX_SCREENSHOT_DIR to write screenshots");
    QDir().mkpath(out);
    QSemaphore hold; // keeps the first answer back long enough to show the spinner
    FakeModelServer server;
    server.setScript([&hold](const FakeModelServer::Request &request, int index) {
        if (index % 2 == 1)
            hold.tryAcquire(1, JobTimeoutMs);
        return request.body.value(QStringLiteral("model")).toString() == QLatin1String("qwen-max")
            ? FakeModelServer::Reply::say(QStringLiteral("ok"))
            : FakeModelServer::Reply::httpError(401, QStringLiteral("authentication_error"));
    });
    qputenv("DASHSCOPE_API_KEY", "sk-shot-not-a-real-key");
    const QString dir = newProject(QStringLiteral("shots"));
    for (const auto &[scheme, name] :
         {std::pair {ColorScheme::Scheme::Light, "light"}, {ColorScheme::Scheme::Dark, "dark"}}) {
        ColorScheme::apply(scheme);
        OPEN_LLM_PAGE(dir);
        wizard.resize(760, 600);
        QSignalSpy finished(page, &LlmPage::checkFinished);
        wizard.setField(SetupField::LlmBackend, QStringLiteral("openai-compatible"));
        wizard.setField(SetupField::LlmBaseUrl, openAiRoot(server));
        wizard.setField(SetupField::LlmKeyEnv, QStringLiteral("DASHSCOPE_API_KEY"));
        wizard.setField(SetupField::LlmModelDefault, QStringLiteral("qwen-max"));
        page->check();
        QTRY_COMPARE_WITH_TIMEOUT(server.requestCount() % 2, 1, JobTimeoutMs);
        QVERIFY(page->isChecking());
        QVERIFY(wizard.grab().save(QStringLiteral("%1/wizard-llm-checking-%2.png").arg(out, name)));
        hold.release();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, JobTimeoutMs);
        QTest::qWait(50);
        QVERIFY(wizard.grab().save(QStringLiteral("%1/wizard-llm-ok-%2.png").arg(out, name)));

        wizard.setField(SetupField::LlmModelDefault, QStringLiteral("qwen-plus"));
        page->check();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, JobTimeoutMs);
        QTest::qWait(50);
        QVERIFY(wizard.grab().save(QStringLiteral("%1/wizard-llm-error-%2.png").arg(out, name)));

        // A typed key is masked on screen (and so in any screenshot).
        wizard.setField(SetupField::LlmBackend, QStringLiteral("anthropic"));
        wizard.setField(SetupField::LlmKeySource, QStringLiteral("secret"));
        child<QLineEdit>(page, "llmKeyValue")->setText(QStringLiteral("sk-ant-secret-in-shot"));
        QTest::qWait(50);
        QVERIFY(
            wizard.grab().save(QStringLiteral("%1/wizard-llm-anthropic-%2.png").arg(out, name)));
    }
}

QTEST_MAIN(TestLlmPage)
#include "tst_llmpage.moc"
