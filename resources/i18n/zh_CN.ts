<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>FaceCheck</name>
    <message>
        <source>Look straight at the camera and keep still.</source>
        <translation>请正对摄像头，保持不动。</translation>
    </message>
    <message>
        <source>Blink your eyes.</source>
        <translation>请眨眨眼。</translation>
    </message>
    <message>
        <source>Slowly turn your head to your left.</source>
        <translation>请缓慢向左转头。</translation>
    </message>
    <message>
        <source>Slowly turn your head to your right.</source>
        <translation>请缓慢向右转头。</translation>
    </message>
    <message>
        <source>Open your mouth.</source>
        <translation>请张开嘴巴。</translation>
    </message>
    <message>
        <source>Nod your head.</source>
        <translation>请点点头。</translation>
    </message>
    <message>
        <source>No face is visible: sit in front of the camera.</source>
        <translation>画面中没有人脸：请坐到摄像头前。</translation>
    </message>
    <message>
        <source>Only you may be in the picture: ask others to step away.</source>
        <translation>画面中只能有您本人：请其他人离开画面。</translation>
    </message>
    <message>
        <source>Your face cannot be read: face the camera in good light.</source>
        <translation>无法识别您的面部：请在光线充足处正对摄像头。</translation>
    </message>
    <message>
        <source>Move back from the camera a little.</source>
        <translation>请离摄像头稍远一些。</translation>
    </message>
    <message>
        <source>Move so that your whole face is in the oval.</source>
        <translation>请移动位置，使整张脸位于椭圆框内。</translation>
    </message>
    <message>
        <source>It is too dark: turn on a light in front of you.</source>
        <translation>光线太暗：请打开您前方的灯。</translation>
    </message>
    <message>
        <source>It is too bright: avoid a window or lamp shining on the camera.</source>
        <translation>光线太亮：请避免窗户或灯光直射摄像头。</translation>
    </message>
    <message>
        <source>The picture is blurred: keep still and clean the camera lens.</source>
        <translation>画面模糊：请保持不动并擦拭摄像头镜头。</translation>
    </message>
    <message>
        <source>Look straight at the camera.</source>
        <translation>请正视摄像头。</translation>
    </message>
    <message>
        <source>The action was not seen in time. Try again.</source>
        <translation>未在规定时间内检测到该动作，请重试。</translation>
    </message>
    <message>
        <source>No face was found. Sit in front of the camera.</source>
        <translation>未检测到人脸，请坐到摄像头前。</translation>
    </message>
    <message>
        <source>Your face left the picture. Stay in view.</source>
        <translation>人脸离开了画面，请保持在画面中。</translation>
    </message>
    <message>
        <source>More than one face is in the picture. Only you may be in view.</source>
        <translation>画面中有多张人脸，画面中只能有您本人。</translation>
    </message>
    <message>
        <source>The camera delivers too few pictures. Close other programs using it.</source>
        <translation>摄像头画面帧数过少，请关闭正在使用摄像头的其他程序。</translation>
    </message>
    <message>
        <source>No live movement was seen. A photo or a still picture is not accepted.</source>
        <translation>未检测到真人动作，照片或静止画面不能通过核验。</translation>
    </message>
    <message>
        <source>A different movement was made. Follow the prompt.</source>
        <translation>动作与提示不符，请按提示操作。</translation>
    </message>
    <message>
        <source>The person changed during the check. The check failed.</source>
        <translation>核验过程中人员发生变化，核验未通过。</translation>
    </message>
    <message>
        <source>Your face does not match the enrolled learner.</source>
        <translation>人脸与登记的学员不一致。</translation>
    </message>
    <message>
        <source>Move closer to the camera.</source>
        <translation>请靠近摄像头。</translation>
    </message>
    <message>
        <source>No camera was found. Connect a camera.</source>
        <translation>未找到摄像头，请连接摄像头。</translation>
    </message>
    <message>
        <source>The camera is in use by another program. Close it and try again.</source>
        <translation>摄像头正被其他程序占用，请关闭该程序后重试。</translation>
    </message>
    <message>
        <source>The client may not use the camera. Allow camera access in the settings.</source>
        <translation>客户端无权使用摄像头，请在系统设置中允许访问摄像头。</translation>
    </message>
    <message>
        <source>The camera stopped working. Check its cable and try again.</source>
        <translation>摄像头停止工作，请检查连接线后重试。</translation>
    </message>
    <message>
        <source>The check was cancelled.</source>
        <translation>核验已取消。</translation>
    </message>
    <message>
        <source>The face check could not be completed. Try again.</source>
        <translation>人脸核验未能完成，请重试。</translation>
    </message>
    <message>
        <source>Face check</source>
        <translation>人脸核验</translation>
    </message>
    <message>
        <source>Demo: a simulated camera plays recorded pictures.</source>
        <translation>演示：模拟摄像头正在播放录制的画面。</translation>
    </message>
    <message>
        <source>Try again</source>
        <translation>重试</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Face check passed.</source>
        <translation>人脸核验通过。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Vocational Training Client</source>
        <translation>职业技能培训学习客户端</translation>
    </message>
    <message>
        <source>Demo mode: generated demo courses; records made here are marked as demo.</source>
        <translation>演示模式：课程为生成的演示课程，此处产生的记录均标记为演示。</translation>
    </message>
    <message>
        <source>&amp;Courses</source>
        <translation>课程(&amp;C)</translation>
    </message>
    <message>
        <source>Open: %1</source>
        <translation>打开：%1</translation>
    </message>
    <message>
        <source>Close the current course</source>
        <translation>关闭当前课程</translation>
    </message>
</context>
<context>
    <name>PlayerMessages</name>
    <message>
        <source>Paused. Click Play to continue.</source>
        <translation>已暂停。点击“播放”继续学习。</translation>
    </message>
    <message>
        <source>Paused because the window was minimised. Click Play to continue.</source>
        <translation>窗口已最小化，学习已暂停。点击“播放”继续学习。</translation>
    </message>
    <message>
        <source>Paused because the window was hidden. Click Play to continue.</source>
        <translation>窗口已隐藏，学习已暂停。点击“播放”继续学习。</translation>
    </message>
    <message>
        <source>Paused because you switched to another window. Click Play to continue.</source>
        <translation>您已切换到其他窗口，学习已暂停。点击“播放”继续学习。</translation>
    </message>
    <message>
        <source>Paused because the screen was locked. Click Play to continue.</source>
        <translation>屏幕已锁定，学习已暂停。点击“播放”继续学习。</translation>
    </message>
    <message>
        <source>Paused because the computer went to sleep. Click Play to continue.</source>
        <translation>计算机进入睡眠，学习已暂停。点击“播放”继续学习。</translation>
    </message>
    <message>
        <source>Paused because playback was tampered with.</source>
        <translation>检测到对播放的篡改，学习已暂停。</translation>
    </message>
    <message>
        <source>The course was closed.</source>
        <translation>课程已关闭。</translation>
    </message>
    <message>
        <source>The course video file is missing. Download the course again or contact your training institution.</source>
        <translation>课程视频文件缺失。请重新下载课程或联系您的培训机构。</translation>
    </message>
    <message>
        <source>The course video file cannot be read (check its permissions and the disk).</source>
        <translation>无法读取课程视频文件（请检查文件权限和磁盘）。</translation>
    </message>
    <message>
        <source>The course video file is not the published one (its checksum differs). Download the course again.</source>
        <translation>课程视频文件与发布的版本不一致（校验值不同）。请重新下载课程。</translation>
    </message>
    <message>
        <source>The course video file is incomplete or altered (its size differs). Download the course again.</source>
        <translation>课程视频文件不完整或已被修改（文件大小不同）。请重新下载课程。</translation>
    </message>
    <message>
        <source>The course video file is damaged and cannot be played. Download the course again.</source>
        <translation>课程视频文件已损坏，无法播放。请重新下载课程。</translation>
    </message>
    <message>
        <source>The course video's length does not match the course catalogue. Download the course again.</source>
        <translation>课程视频时长与课程目录不符。请重新下载课程。</translation>
    </message>
    <message>
        <source>This computer has no decoder for the course video's format. Reinstall the client with its VLC components.</source>
        <translation>本机缺少该课程视频格式的解码器。请重新安装客户端及其 VLC 组件。</translation>
    </message>
    <message>
        <source>Another course is open. Close it before opening a new one: only one course can be studied at a time.</source>
        <translation>已有课程正在学习。请先关闭该课程再打开新课程：一次只能学习一门课程。</translation>
    </message>
    <message>
        <source>The video player could not start: VLC is not installed or incomplete.</source>
        <translation>视频播放器无法启动：VLC 未安装或不完整。</translation>
    </message>
</context>
<context>
    <name>PlayerView</name>
    <message>
        <source>Volume</source>
        <translation>音量</translation>
    </message>
    <message>
        <source>Full screen</source>
        <translation>全屏</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <source>Checking the course file…</source>
        <translation>正在校验课程文件……</translation>
    </message>
    <message>
        <source>You have reached the end of this course video.</source>
        <translation>本课程视频已播放结束。</translation>
    </message>
</context>
<context>
    <name>StoreMessages</name>
    <message>
        <source>No secure key store is available, so your study records cannot be kept encrypted and the client will not start. On Linux, install and unlock a Secret Service (for example gnome-keyring) and sign in again; on a lab machine, ask the training centre to set up the key store (see the installation guide).</source>
        <translation>没有可用的安全密钥库，无法加密保存您的学习记录，客户端不能启动。在 Linux 上请安装并解锁 Secret Service（例如 gnome-keyring）后重新登录；在培训机构的机房电脑上，请联系培训机构配置密钥库（见安装指南）。</translation>
    </message>
    <message>
        <source>The key store is locked. Unlock it (your login keyring) and start the client again.</source>
        <translation>密钥库已锁定。请解锁（您的登录密钥环）后重新启动客户端。</translation>
    </message>
    <message>
        <source>The key store did not answer. Start the client again; if this keeps happening, contact support.</source>
        <translation>密钥库没有响应。请重新启动客户端；如果反复出现，请联系技术支持。</translation>
    </message>
    <message>
        <source>The study records on this computer cannot be opened with the key in your key store. Nothing was changed. Restore the key store, or ask support to set the old records aside.</source>
        <translation>无法用密钥库中的密钥打开本机的学习记录，记录未作任何改动。请恢复密钥库，或请技术支持将旧记录另行保存。</translation>
    </message>
    <message>
        <source>The key of the study records on this computer is missing from the key store. Nothing was changed. Restore the key store, or ask support to set the old records aside.</source>
        <translation>密钥库中缺少本机学习记录的密钥，记录未作任何改动。请恢复密钥库，或请技术支持将旧记录另行保存。</translation>
    </message>
    <message>
        <source>The study records file was damaged. It was kept under another name for support, and a new one will be started. Start the client again.</source>
        <translation>学习记录文件已损坏。该文件已改名保留以供技术支持处理，并将新建记录文件。请重新启动客户端。</translation>
    </message>
    <message>
        <source>The disk is full: study records cannot be saved. Free some space and start the client again.</source>
        <translation>磁盘已满，无法保存学习记录。请清理磁盘空间后重新启动客户端。</translation>
    </message>
    <message>
        <source>The folder of the study records is read-only. Ask the training centre to make it writable.</source>
        <translation>学习记录所在文件夹为只读。请联系培训机构将其设为可写。</translation>
    </message>
    <message>
        <source>The study records are in use by another program. Close it and start the client again.</source>
        <translation>学习记录正被其他程序占用。请关闭该程序后重新启动客户端。</translation>
    </message>
    <message>
        <source>The study records were written by a newer version of the client. Install the newer version.</source>
        <translation>学习记录由更新版本的客户端写入。请安装新版本。</translation>
    </message>
    <message>
        <source>The study records could not be read or written (a disk error). Check the disk and start the client again.</source>
        <translation>无法读写学习记录（磁盘错误）。请检查磁盘后重新启动客户端。</translation>
    </message>
    <message>
        <source>The study records could not be opened. Start the client again; if this keeps happening, contact support.</source>
        <translation>无法打开学习记录。请重新启动客户端；如果反复出现，请联系技术支持。</translation>
    </message>
</context>
</TS>