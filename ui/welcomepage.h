#pragma once

#include <QWidget>

class QCommandLinkButton;
class QLabel;
class QListView;

namespace ktx {

class RecentProjectsModel;

// What the window shows with no project open: start a new project, open one,
// open the demo, or pick a recent project (double-click or Enter).
class WelcomePage : public QWidget
{
    Q_OBJECT

public:
    explicit WelcomePage(RecentProjectsModel *recent, QWidget *parent = nullptr);

    QListView *recentView() const { return m_recentView; }
    // While the demo is being created its button shows progress and is disabled.
    void setDemoBusy(bool busy);

Q_SIGNALS:
    void newProjectRequested();
    void openProjectRequested();
    void openDemoRequested();
    void recentProjectRequested(const QString &path);

protected:
    void changeEvent(QEvent *event) override;

private:
    void updateRecentVisibility();
    void updateColors();

    RecentProjectsModel *m_recent;
    QListView *m_recentView = nullptr;
    QLabel *m_subtitle = nullptr;
    QLabel *m_noRecent = nullptr;
    QCommandLinkButton *m_demoButton = nullptr;
};

} // namespace ktx
