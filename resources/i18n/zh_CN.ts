<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../app/application.py" line="49" />
        <location filename="../../app/main_window.py" line="67" />
        <source>Vocational Training Client</source>
        <translation>职业技能培训学习客户端</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="48" />
        <source>Demo mode: generated demo courses; records made here are marked as demo.</source>
        <translation>演示模式：课程为生成的演示课程，此处产生的记录均标记为演示。</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="50" />
        <source>&amp;Courses</source>
        <translation>课程(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="52" />
        <source>Open: %1</source>
        <translation>打开：%1</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="53" />
        <source>Close the current course</source>
        <translation>关闭当前课程</translation>
    </message>
</context>
<context>
    <name>PlayerMessages</name>
    <message>
        <location filename="../../player/messages.py" line="19" />
        <source>Paused. Click Play to continue.</source>
        <translation>已暂停。点击“播放”继续学习。</translation>
    </message>
    <message>
        <location filename="../../player/messages.py" line="20" />
        <source>Paused because the window was minimised. Click Play to continue.</source>
        <translation>窗口已最小化，学习已暂停。点击“播放”继续学习。</translation>
    </message>
    <message>
        <location filename="../../player/messages.py" line="23" />
        <source>Paused because the window was hidden. Click Play to continue.</source>
        <translation>窗口已隐藏，学习已暂停。点击“播放”继续学习。</translation>
    </message>
    <message>
        <location filename="../../player/messages.py" line="26" />
        <source>Paused because you switched to another window. Click Play to continue.</source>
        <translation>您已切换到其他窗口，学习已暂停。点击“播放”继续学习。</translation>
    </message>
    <message>
        <location filename="../../player/messages.py" line="30" />
        <source>Paused because the screen was locked. Click Play to continue.</source>
        <translation>屏幕已锁定，学习已暂停。点击“播放”继续学习。</translation>
    </message>
    <message>
        <location filename="../../player/messages.py" line="33" />
        <source>Paused because the computer went to sleep. Click Play to continue.</source>
        <translation>计算机进入睡眠，学习已暂停。点击“播放”继续学习。</translation>
    </message>
    <message>
        <location filename="../../player/messages.py" line="36" />
        <source>Paused because playback was tampered with.</source>
        <translation>检测到对播放的篡改，学习已暂停。</translation>
    </message>
    <message>
        <location filename="../../player/messages.py" line="39" />
        <source>The course was closed.</source>
        <translation>课程已关闭。</translation>
    </message>
    <message>
        <location filename="../../player/messages.py" line="46" />
        <source>The course video file is missing. Download the course again or contact your training institution.</source>
        <translation>课程视频文件缺失。请重新下载课程或联系您的培训机构。</translation>
    </message>
    <message>
        <location filename="../../player/messages.py" line="50" />
        <source>The course video file cannot be read (check its permissions and the disk).</source>
        <translation>无法读取课程视频文件（请检查文件权限和磁盘）。</translation>
    </message>
    <message>
        <location filename="../../player/messages.py" line="54" />
        <source>The course video file is not the published one (its checksum differs). Download the course again.</source>
        <translation>课程视频文件与发布的版本不一致（校验值不同）。请重新下载课程。</translation>
    </message>
    <message>
        <location filename="../../player/messages.py" line="58" />
        <source>The course video file is incomplete or altered (its size differs). Download the course again.</source>
        <translation>课程视频文件不完整或已被修改（文件大小不同）。请重新下载课程。</translation>
    </message>
    <message>
        <location filename="../../player/messages.py" line="62" />
        <source>The course video file is damaged and cannot be played. Download the course again.</source>
        <translation>课程视频文件已损坏，无法播放。请重新下载课程。</translation>
    </message>
    <message>
        <location filename="../../player/messages.py" line="66" />
        <source>The course video's length does not match the course catalogue. Download the course again.</source>
        <translation>课程视频时长与课程目录不符。请重新下载课程。</translation>
    </message>
    <message>
        <location filename="../../player/messages.py" line="70" />
        <source>This computer has no decoder for the course video's format. Reinstall the client with its VLC components.</source>
        <translation>本机缺少该课程视频格式的解码器。请重新安装客户端及其 VLC 组件。</translation>
    </message>
    <message>
        <location filename="../../player/messages.py" line="80" />
        <source>Another course is open. Close it before opening a new one: only one course can be studied at a time.</source>
        <translation>已有课程正在学习。请先关闭该课程再打开新课程：一次只能学习一门课程。</translation>
    </message>
    <message>
        <location filename="../../player/messages.py" line="84" />
        <source>The video player could not start: VLC is not installed or incomplete.</source>
        <translation>视频播放器无法启动：VLC 未安装或不完整。</translation>
    </message>
</context>
<context>
    <name>PlayerView</name>
    <message>
        <location filename="../../player/widget.py" line="165" />
        <source>Volume</source>
        <translation>音量</translation>
    </message>
    <message>
        <location filename="../../player/widget.py" line="166" />
        <source>Full screen</source>
        <translation>全屏</translation>
    </message>
    <message>
        <location filename="../../player/widget.py" line="199" />
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location filename="../../player/widget.py" line="199" />
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <location filename="../../player/widget.py" line="202" />
        <source>Checking the course file…</source>
        <translation>正在校验课程文件……</translation>
    </message>
    <message>
        <location filename="../../player/widget.py" line="206" />
        <source>You have reached the end of this course video.</source>
        <translation>本课程视频已播放结束。</translation>
    </message>
</context>
</TS>