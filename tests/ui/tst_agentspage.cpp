// The wizard's Agents page: preview before Install, install off the GUI
// thread, result per file, keyboard paths.
#include "serve/agentinstallmanifest.h"
#include "ui/agentspage.h"

#include <QCheckBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QPushButton>
#include <QRadioButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace ktx;

namespace {

constexpr int JobTimeoutMs = 30000;

QStringList rows(const AgentsPage &page)
{
    auto *tree = page.findChild<QTreeWidget *>(QStringLiteral("agentPreview"));
    QStringList lines;
    for (int i = 0; i < tree->topLevelItemCount(); ++i)
        lines << tree->topLevelItem(i)->text(0) + QLatin1Char(' ') + tree->topLevelItem(i)->text(1);
    return lines;
}

} // namespace

class TestAgentsPage : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;

    QString project(const QString &name)
    {
        const QString dir = m_tmp.filePath(name);
        QDir().mkpath(dir);
        QFile file(dir + QStringLiteral("/ktx.yaml"));
        file.open(QIODevice::WriteOnly);
        file.write("connections: {}\n");
        return dir;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        qunsetenv("KTX_MCP_TOKEN");
    }

    void previewThenInstall()
    {
        const QString dir = project(QStringLiteral("p1"));
        QFile mcp(dir + QStringLiteral("/.mcp.json"));
        QVERIFY(mcp.open(QIODevice::WriteOnly));
        mcp.write("{\n  \"mcpServers\": {\n    \"other\": {\"command\": \"x\"}\n  }\n}\n");
        mcp.close();

        AgentsPage page;
        page.setProjectDir(dir);
        QSignalSpy ready(&page, &AgentsPage::previewReady);
        page.initializePage();
        QVERIFY(ready.wait(JobTimeoutMs));
        auto *install = page.findChild<QPushButton *>(QStringLiteral("agentInstall"));
        QVERIFY(!install->isEnabled()); // nothing chosen yet

        ready.clear();
        page.findChild<QCheckBox *>(QStringLiteral("agentTarget_claude-code"))->setChecked(true);
        QVERIFY(page.isPlanning());
        QVERIFY(ready.wait(JobTimeoutMs));
        QCOMPARE(rows(page),
                 (QStringList {QStringLiteral("update .mcp.json"),
                               QStringLiteral("create .claude/skills/ktx-analytics/"
                                              "SKILL.md")}));
        // Preview only: nothing written yet.
        QVERIFY(!QFile::exists(dir + QStringLiteral("/.claude")));
        QVERIFY(!QFile::exists(AgentInstallManifest::filePath(dir)));
        QVERIFY(install->isEnabled());

        // Mode changes the preview.
        ready.clear();
        page.findChild<QRadioButton *>(QStringLiteral("agentModeCli"))->setChecked(true);
        QVERIFY(ready.wait(JobTimeoutMs));
        QCOMPARE(rows(page).size(), 4);

        QSignalSpy finished(&page, &AgentsPage::installFinished);
        install->click();
        // The install runs on the pool: the page is busy until the queued answer arrives.
        QVERIFY(page.isBusy());
        QVERIFY(!page.isComplete());
        QVERIFY(!install->isEnabled());
        QVERIFY(finished.wait(JobTimeoutMs));
        QCOMPARE(finished.first().first().toBool(), true);
        QVERIFY(!page.isBusy());
        QCOMPARE(rows(page),
                 (QStringList {QStringLiteral("updated .mcp.json"),
                               QStringLiteral("created .claude/skills/ktx-analytics/"
                                              "SKILL.md"),
                               QStringLiteral("created .claude/skills/ktx/SKILL.md"),
                               QStringLiteral("created .claude/rules/ktx.md")}));
        QVERIFY(page.findChild<QLabel *>(QStringLiteral("agentResult"))
                    ->text()
                    .contains(QStringLiteral("claude-code:project")));
        QVERIFY(QFile::exists(dir + QStringLiteral("/.claude/rules/ktx.md")));
        Result<AgentInstallManifest> manifest = AgentInstallManifest::load(dir);
        QVERIFY(manifest.ok());
        QCOMPARE(manifest->installs.size(), 1);
        QCOMPARE(manifest->installs[0].mode, QStringLiteral("mcp-cli"));

        // A new page over the same project starts from what is installed, with nothing to do.
        AgentsPage again;
        again.setProjectDir(dir);
        QSignalSpy againReady(&again, &AgentsPage::previewReady);
        again.initializePage();
        QVERIFY(againReady.wait(JobTimeoutMs));
        QCOMPARE(again.selectedTargets(), QStringList {QStringLiteral("claude-code")});
        QCOMPARE(again.mode(), QStringLiteral("mcp-cli"));
        QVERIFY(!again.findChild<QPushButton *>(QStringLiteral("agentInstall"))->isEnabled());
        for (const QString &row : rows(again))
            QVERIFY2(row.startsWith(QLatin1String("unchanged ")), qPrintable(row));
    }

    void malformedConfigShowsTheProblem()
    {
        const QString dir = project(QStringLiteral("p2"));
        QDir().mkpath(dir + QStringLiteral("/.cursor"));
        QFile broken(dir + QStringLiteral("/.cursor/mcp.json"));
        QVERIFY(broken.open(QIODevice::WriteOnly));
        broken.write("{ \"mcpServers\": ");
        broken.close();
        AgentsPage page;
        page.setProjectDir(dir);
        QSignalSpy ready(&page, &AgentsPage::previewReady);
        page.setSelectedTargets({QStringLiteral("cursor")});
        QVERIFY(ready.wait(JobTimeoutMs));
        QVERIFY(page.problem().contains(QStringLiteral(".cursor/mcp.json is not valid JSON")));
        QVERIFY(!page.findChild<QPushButton *>(QStringLiteral("agentInstall"))->isEnabled());
    }

    void globalScopeOffersOnlyClientsThatHaveOne()
    {
        AgentsPage page;
        page.setProjectDir(project(QStringLiteral("p3")));
        page.setScope(QStringLiteral("global"));
        QVERIFY(
            page.findChild<QCheckBox *>(QStringLiteral("agentTarget_claude-code"))->isEnabled());
        QVERIFY(page.findChild<QCheckBox *>(QStringLiteral("agentTarget_codex"))->isEnabled());
        QVERIFY(!page.findChild<QCheckBox *>(QStringLiteral("agentTarget_cursor"))->isEnabled());
        QVERIFY(!page.findChild<QCheckBox *>(QStringLiteral("agentTarget_opencode"))->isEnabled());
    }

    void everyControlTakesKeyboardFocusAndHasAMnemonic()
    {
        AgentsPage page;
        const QList<QAbstractButton *> buttons = page.findChildren<QAbstractButton *>();
        QVERIFY(buttons.size() >= 10);
        for (QAbstractButton *button : buttons) {
            QVERIFY2(button->focusPolicy() & Qt::TabFocus, qPrintable(button->objectName()));
            QVERIFY2(button->text().contains(QLatin1Char('&')), qPrintable(button->objectName()));
        }
    }
};

QTEST_MAIN(TestAgentsPage)
#include "tst_agentspage.moc"
