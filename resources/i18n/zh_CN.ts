<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>CourseRatingDialog</name>
    <message>
        <source>Rate the course</source>
        <translation>课程评价</translation>
    </message>
    <message>
        <source>Course: %1</source>
        <translation>课程：%1</translation>
    </message>
    <message>
        <source>Rate each item from 1 (very dissatisfied) to 5 (very satisfied). The comment is optional.</source>
        <translation>请为每一项打分，1 分为非常不满意，5 分为非常满意。评价意见可不填。</translation>
    </message>
    <message>
        <source>You rated this course before. Change your rating and submit it again.</source>
        <translation>您已评价过本课程，可修改后重新提交。</translation>
    </message>
    <message>
        <source>%1: %2 out of 5</source>
        <translation>%1：%2 分（满分 5 分）</translation>
    </message>
    <message>
        <source>Comment (optional)</source>
        <translation>评价意见（选填）</translation>
    </message>
    <message>
        <source>Tell us what was good and what should be improved.</source>
        <translation>请写下课程的优点和需要改进之处。</translation>
    </message>
    <message>
        <source>Submit rating</source>
        <translation>提交评价</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Submitting your rating…</source>
        <translation>正在提交评价……</translation>
    </message>
    <message>
        <source>Your rating could not be submitted (%1). Your choices are kept: submit again when ready.</source>
        <translation>评价提交失败（%1）。您的选择已保留，可再次提交。</translation>
    </message>
    <message>
        <source>Thank you for rating this course.</source>
        <translation>感谢您对本课程的评价！</translation>
    </message>
    <message>
        <source>This course has now been withdrawn and can no longer be studied.</source>
        <translation>本课程现已下架，不能再学习。</translation>
    </message>
    <message>
        <source>Course content</source>
        <translation>课程内容</translation>
    </message>
    <message>
        <source>Course design</source>
        <translation>课程设计</translation>
    </message>
    <message>
        <source>Teacher</source>
        <translation>授课教师</translation>
    </message>
    <message>
        <source>Very dissatisfied</source>
        <translation>非常不满意</translation>
    </message>
    <message>
        <source>Dissatisfied</source>
        <translation>不满意</translation>
    </message>
    <message>
        <source>Neutral</source>
        <translation>一般</translation>
    </message>
    <message>
        <source>Satisfied</source>
        <translation>满意</translation>
    </message>
    <message>
        <source>Very satisfied</source>
        <translation>非常满意</translation>
    </message>
    <message>
        <source>%1 / %2 characters</source>
        <translation>%1 / %2 字</translation>
    </message>
</context>
<context>
    <name>CourseTestDialog</name>
    <message>
        <source>Course test</source>
        <translation>课程测试</translation>
    </message>
    <message>
        <source>Pass mark: %1 out of 100. Answer every question to submit.</source>
        <translation>及格分：%1 分（满分 100 分）。全部题目作答后方可提交。</translation>
    </message>
    <message>
        <source>This course has no test questions.</source>
        <translation>本课程没有测试题。</translation>
    </message>
    <message>
        <source>Single choice: choose one answer.</source>
        <translation>单选题：请选择一个答案。</translation>
    </message>
    <message>
        <source>Multiple choice: choose every correct answer.</source>
        <translation>多选题：请选择所有正确答案。</translation>
    </message>
    <message>
        <source>Submit answers</source>
        <translation>提交答卷</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Answered %1 of %2</source>
        <translation>已答 %1 题，共 %2 题</translation>
    </message>
    <message>
        <source>Submitting your answers…</source>
        <translation>正在提交答卷……</translation>
    </message>
    <message>
        <source>Your answers could not be submitted (%1). They are kept: submit again when ready.</source>
        <translation>答卷提交失败（%1）。您的答案已保留，可再次提交。</translation>
    </message>
    <message>
        <source>You passed the test.</source>
        <translation>恭喜，测试通过！</translation>
    </message>
    <message>
        <source>You did not pass the test.</source>
        <translation>测试未通过。</translation>
    </message>
    <message>
        <source>Score: %1 (pass mark: %2)</source>
        <translation>得分：%1 分（及格分：%2 分）</translation>
    </message>
    <message>
        <source>Pending study time will be released when you pass.</source>
        <translation>待计入的学时将在测试通过后计入。</translation>
    </message>
    <message>
        <source>You can sit the test again from %1.</source>
        <translation>可于 %1 起重新参加测试（将抽取新的试卷）。</translation>
    </message>
    <message>
        <source>No pending study time was waiting for this test.</source>
        <translation>没有等待本次测试通过后计入的学时。</translation>
    </message>
    <message>
        <source>Pending study time released: less than 1 min</source>
        <translation>待计入的学时已计入：不足 1 分钟</translation>
    </message>
    <message>
        <source>Pending study time released: %1 min</source>
        <translation>待计入的学时已计入：%1 分钟</translation>
    </message>
</context>
<context>
    <name>CoursesPage</name>
    <message>
        <source>Course</source>
        <translation>课程</translation>
    </message>
    <message>
        <source>Length (min)</source>
        <translation>课程时长（分钟）</translation>
    </message>
    <message>
        <source>Studied (min)</source>
        <translation>已学时长（分钟）</translation>
    </message>
    <message>
        <source>Test</source>
        <translation>测试</translation>
    </message>
    <message>
        <source>Teacher</source>
        <translation>授课教师</translation>
    </message>
    <message>
        <source>Rating</source>
        <translation>评价</translation>
    </message>
    <message>
        <source>Start studying</source>
        <translation>开始学习</translation>
    </message>
    <message>
        <source>Take the course test</source>
        <translation>参加课程测试</translation>
    </message>
    <message>
        <source>Rate this course</source>
        <translation>评价本课程</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Welcome, %1</source>
        <translation>欢迎您，%1</translation>
    </message>
    <message>
        <source>My courses</source>
        <translation>我的课程</translation>
    </message>
    <message>
        <source>Credited today: –</source>
        <translation>今日已计学时：–</translation>
    </message>
    <message>
        <source>Credited today: %1 of %2 min (the daily limit); %3 min pending a course test.</source>
        <translation>今日已计学时：%1 分钟（每日上限 %2 分钟）；另有 %3 分钟待课程测试通过后计入。</translation>
    </message>
    <message>
        <source>Today's limit is reached: study more tomorrow.</source>
        <translation>今日学时已达上限，请明天继续学习。</translation>
    </message>
    <message>
        <source>No test</source>
        <translation>无测试</translation>
    </message>
    <message>
        <source>Passed</source>
        <translation>已通过</translation>
    </message>
    <message>
        <source>Not passed yet</source>
        <translation>尚未通过</translation>
    </message>
    <message>
        <source>Not rated</source>
        <translation>暂无评价</translation>
    </message>
    <message>
        <source>Today's limit of credited study time is reached: courses open again tomorrow.</source>
        <translation>今日可计入的学时已达上限：课程将于明天重新开放。</translation>
    </message>
</context>
<context>
    <name>DiagnosticsPage</name>
    <message>
        <source>Client version</source>
        <translation>客户端版本</translation>
    </message>
    <message>
        <source>Python</source>
        <translation>Python</translation>
    </message>
    <message>
        <source>Qt / PySide6</source>
        <translation>Qt / PySide6</translation>
    </message>
    <message>
        <source>Operating system</source>
        <translation>操作系统</translation>
    </message>
    <message>
        <source>Free space in the data folder</source>
        <translation>数据文件夹可用空间</translation>
    </message>
    <message>
        <source>Cameras</source>
        <translation>摄像头</translation>
    </message>
    <message>
        <source>Video player (libVLC)</source>
        <translation>视频播放器（libVLC）</translation>
    </message>
    <message>
        <source>Platform server</source>
        <translation>平台服务器</translation>
    </message>
    <message>
        <source>Clock difference to the server</source>
        <translation>与服务器的时钟偏差</translation>
    </message>
    <message>
        <source>Key store</source>
        <translation>密钥库</translation>
    </message>
    <message>
        <source>Records waiting for upload</source>
        <translation>待上传记录</translation>
    </message>
    <message>
        <source>Last synchronisation (UTC)</source>
        <translation>上次同步时间（UTC）</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>正常</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>No camera was found.</source>
        <translation>未找到摄像头。</translation>
    </message>
    <message>
        <source>A virtual (software) camera was found.</source>
        <translation>发现虚拟（软件）摄像头。</translation>
    </message>
    <message>
        <source>The cameras could not be listed.</source>
        <translation>无法列出摄像头。</translation>
    </message>
    <message>
        <source>libVLC is not available: reinstall the client with its VLC components.</source>
        <translation>libVLC 不可用：请重新安装客户端及其 VLC 组件。</translation>
    </message>
    <message>
        <source>No server address is set up.</source>
        <translation>尚未配置服务器地址。</translation>
    </message>
    <message>
        <source>The server cannot be reached (network down or connection refused).</source>
        <translation>无法连接服务器（网络不通或连接被拒绝）。</translation>
    </message>
    <message>
        <source>The server's name could not be resolved.</source>
        <translation>无法解析服务器域名。</translation>
    </message>
    <message>
        <source>The secure connection to the server failed (certificate or TLS).</source>
        <translation>与服务器的安全连接失败（证书或 TLS 问题）。</translation>
    </message>
    <message>
        <source>The server's key is not the pinned one.</source>
        <translation>服务器的公钥与预置（固定）的公钥不符。</translation>
    </message>
    <message>
        <source>No answer in time.</source>
        <translation>未在规定时间内响应。</translation>
    </message>
    <message>
        <source>The server's answer is not valid.</source>
        <translation>服务器的响应无效。</translation>
    </message>
    <message>
        <source>The server refused the request.</source>
        <translation>服务器拒绝了请求。</translation>
    </message>
    <message>
        <source>The server reported an error.</source>
        <translation>服务器报告了错误。</translation>
    </message>
    <message>
        <source>The server answered but is not healthy.</source>
        <translation>服务器有响应，但运行状态异常。</translation>
    </message>
    <message>
        <source>The connection settings are not valid.</source>
        <translation>连接设置无效。</translation>
    </message>
    <message>
        <source>The server address is not secure (https is required).</source>
        <translation>服务器地址不安全（必须使用 https）。</translation>
    </message>
    <message>
        <source>Talking to the server failed.</source>
        <translation>与服务器通信失败。</translation>
    </message>
    <message>
        <source>Not measured: the server was not reached.</source>
        <translation>未测量：未能连接服务器。</translation>
    </message>
    <message>
        <source>The server did not send its time.</source>
        <translation>服务器未返回其时间。</translation>
    </message>
    <message>
        <source>The computer's clock is too far from the server's: study time is not counted.</source>
        <translation>本机时钟与服务器时间相差过大：学习时长不予计算。</translation>
    </message>
    <message>
        <source>No secure key store is available.</source>
        <translation>没有可用的安全密钥库。</translation>
    </message>
    <message>
        <source>The key store is locked.</source>
        <translation>密钥库已锁定。</translation>
    </message>
    <message>
        <source>The key store did not answer.</source>
        <translation>密钥库没有响应。</translation>
    </message>
    <message>
        <source>This lab PC's key file is missing.</source>
        <translation>本机房电脑缺少密钥文件。</translation>
    </message>
    <message>
        <source>This account may not read the lab PC's key file.</source>
        <translation>此账户无权读取本机房电脑的密钥文件。</translation>
    </message>
    <message>
        <source>The lab PC's key file is not protected.</source>
        <translation>本机房电脑的密钥文件未受保护。</translation>
    </message>
    <message>
        <source>Not signed in.</source>
        <translation>未登录。</translation>
    </message>
    <message>
        <source>Offline: records will be uploaded when the server is reachable.</source>
        <translation>离线：连接服务器后将自动上传记录。</translation>
    </message>
    <message>
        <source>The server refused the waiting records: contact support.</source>
        <translation>服务器拒绝了待上传的记录：请联系技术支持。</translation>
    </message>
    <message>
        <source>Never synchronised.</source>
        <translation>从未同步。</translation>
    </message>
    <message>
        <source>Not synchronised for more than a day.</source>
        <translation>已超过一天未同步。</translation>
    </message>
    <message>
        <source>Little free space: course videos may not fit.</source>
        <translation>可用空间不足：可能无法存放课程视频。</translation>
    </message>
    <message>
        <source>The data folder does not exist.</source>
        <translation>数据文件夹不存在。</translation>
    </message>
    <message>
        <source>The data folder's disk could not be read.</source>
        <translation>无法读取数据文件夹所在的磁盘。</translation>
    </message>
    <message>
        <source>This check failed unexpectedly (see the client log).</source>
        <translation>该项检测意外失败（请查看客户端日志）。</translation>
    </message>
    <message>
        <source>Collected (UTC)</source>
        <translation>检测时间（UTC）</translation>
    </message>
    <message>
        <source>Collecting…</source>
        <translation>正在检测……</translation>
    </message>
    <message>
        <source>Not collected yet.</source>
        <translation>尚未检测。</translation>
    </message>
    <message>
        <source>Diagnostics report</source>
        <translation>诊断报告</translation>
    </message>
    <message>
        <source>For support: this report holds no personal data (no name, ID number, phone number, password or key).</source>
        <translation>供技术支持使用：本报告不含任何个人信息（不含姓名、身份证号、手机号、密码或密钥）。</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>检测项</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <source>Run again</source>
        <translation>重新检测</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Save as text…</source>
        <translation>另存为文本……</translation>
    </message>
    <message>
        <source>Copied to the clipboard.</source>
        <translation>已复制到剪贴板。</translation>
    </message>
    <message>
        <source>The report could not be saved there. Choose another folder.</source>
        <translation>无法将报告保存到该位置，请选择其他文件夹。</translation>
    </message>
    <message>
        <source>Saved: %1</source>
        <translation>已保存：%1</translation>
    </message>
    <message>
        <source>Save the diagnostics report</source>
        <translation>保存诊断报告</translation>
    </message>
    <message>
        <source>Text files (*.txt)</source>
        <translation>文本文件 (*.txt)</translation>
    </message>
</context>
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
    <name>FaceCheckFlow</name>
    <message>
        <source>Asking the training platform for a challenge…</source>
        <translation>正在向培训平台获取核验动作……</translation>
    </message>
    <message>
        <source>Starting the camera and the face models…</source>
        <translation>正在启动摄像头和人脸模型……</translation>
    </message>
    <message>
        <source>Checking with the training platform…</source>
        <translation>正在由培训平台核验……</translation>
    </message>
</context>
<context>
    <name>KioskExitDialog</name>
    <message>
        <source>Close the client</source>
        <translation>关闭客户端</translation>
    </message>
    <message>
        <source>Only the training centre's administrator can close the client on this PC. Enter the administrator PIN.</source>
        <translation>本机上的客户端只能由培训中心管理员关闭。请输入管理员 PIN 码。</translation>
    </message>
    <message>
        <source>Too many wrong PINs. Try again in %1 s.</source>
        <translation>PIN 码错误次数过多，请 %1 秒后再试。</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>正在核对……</translation>
    </message>
    <message>
        <source>Wrong PIN.</source>
        <translation>PIN 码错误。</translation>
    </message>
    <message>
        <source>Sending the study records to the platform…</source>
        <translation>正在将学习记录上传到平台……</translation>
    </message>
    <message>
        <source>The platform cannot be reached: %1 study records stay on this PC and are sent when the client next starts. Do not re-image or reset this PC before then, or they are lost.</source>
        <translation>无法连接平台：%1 条学习记录保留在本机，将在客户端下次启动时上传。在此之前请勿还原或重置本机系统，否则这些记录将丢失。</translation>
    </message>
    <message>
        <source>Close anyway</source>
        <translation>仍然关闭</translation>
    </message>
    <message>
        <source>%1 study records have not reached the platform yet, though it answers. The client stays open so that they are not lost; try again in a minute.</source>
        <translation>平台可以连接，但仍有 %1 条学习记录尚未上传。为避免记录丢失，客户端保持运行；请一分钟后再试。</translation>
    </message>
    <message>
        <source>Send again</source>
        <translation>重新上传</translation>
    </message>
</context>
<context>
    <name>KioskGuard</name>
    <message>
        <source>Close the client (administrator)…</source>
        <translation>关闭客户端（管理员）……</translation>
    </message>
</context>
<context>
    <name>LearnerApp</name>
    <message>
        <source>The previous learner was signed out. The next learner can sign in now.</source>
        <translation>上一位学员已退出登录，下一位学员现在可以登录。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Vocational Training Client</source>
        <translation>职业技能培训学习客户端</translation>
    </message>
    <message>
        <source>Demo: a platform with a demo learner and generated courses runs inside this program, and the camera is simulated (an animated photo). Records made here are marked as demo.</source>
        <translation>演示模式：本程序内运行着一个演示平台（含演示学员和生成的课程），摄像头为模拟摄像头（动画照片）。此处产生的记录均标记为演示。</translation>
    </message>
    <message>
        <source>&amp;Study</source>
        <translation>学习(&amp;S)</translation>
    </message>
    <message>
        <source>My courses</source>
        <translation>我的课程</translation>
    </message>
    <message>
        <source>My records</source>
        <translation>我的学习记录</translation>
    </message>
    <message>
        <source>&amp;Account</source>
        <translation>账户(&amp;A)</translation>
    </message>
    <message>
        <source>Switch learner</source>
        <translation>切换学员</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>退出登录</translation>
    </message>
    <message>
        <source>S&amp;ettings</source>
        <translation>设置(&amp;E)</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Diagnostics</source>
        <translation>诊断</translation>
    </message>
    <message>
        <source>Close the course first.</source>
        <translation>请先关闭当前课程。</translation>
    </message>
    <message>
        <source>Offline · %1 waiting</source>
        <translation>离线 · %1 条待上传</translation>
    </message>
    <message>
        <source>%1 waiting to upload</source>
        <translation>%1 条待上传</translation>
    </message>
    <message>
        <source>Synced</source>
        <translation>已同步</translation>
    </message>
</context>
<context>
    <name>Messages</name>
    <message>
        <source>The account or the password is wrong.</source>
        <translation>账号或密码错误。</translation>
    </message>
    <message>
        <source>The SMS code is wrong or has expired.</source>
        <translation>短信验证码错误或已过期。</translation>
    </message>
    <message>
        <source>This account is locked after too many failed sign-ins. Try again later or ask your training institution.</source>
        <translation>登录失败次数过多，账户已锁定。请稍后再试，或联系您的培训机构。</translation>
    </message>
    <message>
        <source>This account has been disabled by your training institution.</source>
        <translation>该账户已被培训机构停用。</translation>
    </message>
    <message>
        <source>Too many attempts from this computer. Wait a minute and try again.</source>
        <translation>本机尝试次数过多，请一分钟后再试。</translation>
    </message>
    <message>
        <source>The sign-in took too long. Start again.</source>
        <translation>登录超时，请重新开始。</translation>
    </message>
    <message>
        <source>The face does not match the registered learner.</source>
        <translation>人脸与注册学员不一致。</translation>
    </message>
    <message>
        <source>The liveness check failed: follow the prompts with your own face.</source>
        <translation>活体检测未通过：请本人按提示完成动作。</translation>
    </message>
    <message>
        <source>No face was seen. Face the camera in good light.</source>
        <translation>未检测到人脸。请在光线充足处正对摄像头。</translation>
    </message>
    <message>
        <source>Too many failed face checks. Sign in again later.</source>
        <translation>人脸核验失败次数过多，请稍后重新登录。</translation>
    </message>
    <message>
        <source>No face is registered for this account yet. Ask your training institution.</source>
        <translation>该账户尚未注册人脸，请联系您的培训机构。</translation>
    </message>
    <message>
        <source>Your face registration is waiting for your training institution's approval.</source>
        <translation>您的人脸注册正在等待培训机构审核。</translation>
    </message>
    <message>
        <source>This computer's identity does not match its registration. Contact support.</source>
        <translation>本机身份与登记信息不符，请联系技术支持。</translation>
    </message>
    <message>
        <source>SMS sign-in is not available on this platform.</source>
        <translation>本平台未开通短信登录。</translation>
    </message>
    <message>
        <source>No learner is registered with this phone number.</source>
        <translation>该手机号未注册学员。</translation>
    </message>
    <message>
        <source>This version of the client is too old for the training platform. Install the latest installer from your training institution.</source>
        <translation>此客户端版本过旧，无法用于本培训平台。请安装您的培训机构提供的最新安装程序。</translation>
    </message>
    <message>
        <source>The training platform does not recognise this client's institution settings. Install the client from your training institution's installer.</source>
        <translation>培训平台不认可此客户端的机构配置。请使用您的培训机构提供的安装程序安装客户端。</translation>
    </message>
    <message>
        <source>Another course is open on your account. Close it first: one course at a time.</source>
        <translation>您的账户正在学习另一门课程。请先关闭该课程：一次只能学习一门课程。</translation>
    </message>
    <message>
        <source>This course has been withdrawn by the platform.</source>
        <translation>该课程已被平台下架。</translation>
    </message>
    <message>
        <source>This course no longer exists.</source>
        <translation>该课程已不存在。</translation>
    </message>
    <message>
        <source>The downloaded course video is damaged. It will be downloaded again.</source>
        <translation>下载的课程视频已损坏，将重新下载。</translation>
    </message>
    <message>
        <source>You can rate a course after studying it.</source>
        <translation>学习课程后才能评价。</translation>
    </message>
    <message>
        <source>This study session was closed by the platform. Open the course again.</source>
        <translation>本次学习已被平台结束，请重新打开课程。</translation>
    </message>
    <message>
        <source>No face check is due now.</source>
        <translation>当前无需进行人脸核验。</translation>
    </message>
    <message>
        <source>This face picture was already used. Take the face check again.</source>
        <translation>该人脸图片已被使用过，请重新进行人脸核验。</translation>
    </message>
    <message>
        <source>A simulated camera is accepted only on a demo platform.</source>
        <translation>模拟摄像头仅可用于演示平台。</translation>
    </message>
    <message>
        <source>Your training institution does not accept a virtual (software) camera. Use a real camera.</source>
        <translation>您的培训机构不接受虚拟（软件）摄像头，请使用真实摄像头。</translation>
    </message>
    <message>
        <source>If you think this is wrong, contact your training institution: the report is kept for its review.</source>
        <translation>如您认为判断有误，请联系您的培训机构：此次检测记录已保存，供其复核。</translation>
    </message>
    <message>
        <source>Your training institution does not accept study inside a virtual machine. Use the computer itself.</source>
        <translation>您的培训机构不接受在虚拟机中学习，请直接在本机上学习。</translation>
    </message>
    <message>
        <source>Your training institution does not accept study through remote desktop or screen sharing. Close the remote session and study at the computer itself.</source>
        <translation>您的培训机构不接受通过远程桌面或屏幕共享学习。请关闭远程会话，在电脑前学习。</translation>
    </message>
    <message>
        <source>Your training institution accepts study on one monitor only. Disconnect the other monitors.</source>
        <translation>您的培训机构只允许使用一台显示器学习，请断开其他显示器。</translation>
    </message>
    <message>
        <source>Your training institution does not accept study while a screen recorder runs. Close it.</source>
        <translation>您的培训机构不接受在录屏软件运行时学习，请关闭录屏软件。</translation>
    </message>
    <message>
        <source>Your training institution does not accept study while an automation tool (simulated keyboard or mouse) runs. Close it.</source>
        <translation>您的培训机构不接受在自动化工具（模拟键盘或鼠标）运行时学习，请关闭该工具。</translation>
    </message>
    <message>
        <source>Your training institution does not accept study in this environment.</source>
        <translation>您的培训机构不接受在当前环境中学习。</translation>
    </message>
    <message>
        <source>The face check was not made in time. A new one follows.</source>
        <translation>人脸核验未在规定时间内完成，系统将重新发起核验。</translation>
    </message>
    <message>
        <source>The platform is busy checking faces. Try again in a moment.</source>
        <translation>平台人脸核验繁忙，请稍后再试。</translation>
    </message>
    <message>
        <source>The face picture is larger than a face check sends. Try again.</source>
        <translation>人脸图片超出核验允许的尺寸，请重试。</translation>
    </message>
    <message>
        <source>This face check's challenge has expired. Take the check again.</source>
        <translation>本次人脸核验的动作指令已过期，请重新核验。</translation>
    </message>
    <message>
        <source>The face check's evidence was not signed by this computer. Contact support.</source>
        <translation>人脸核验材料并非由本机签名，请联系技术支持。</translation>
    </message>
    <message>
        <source>The face check's pictures do not fit its challenge. Take the check again.</source>
        <translation>人脸核验画面与动作指令不符，请重新核验。</translation>
    </message>
    <message>
        <source>The test opens once you have watched most of the course.</source>
        <translation>观看课程的大部分内容后方可参加测试。</translation>
    </message>
    <message>
        <source>You did not pass your last attempt: wait a few minutes before the next.</source>
        <translation>上次测试未通过，请稍等几分钟再参加下一次测试。</translation>
    </message>
    <message>
        <source>No attempts at this test are left today. Try again tomorrow.</source>
        <translation>今日本课程的测试次数已用完，请明天再试。</translation>
    </message>
    <message>
        <source>You have already passed this test.</source>
        <translation>您已通过本课程测试。</translation>
    </message>
    <message>
        <source>This test paper was already answered or has expired. Open the test again.</source>
        <translation>该试卷已提交或已过期，请重新打开测试。</translation>
    </message>
    <message>
        <source>The training platform cannot be reached. Check the network.</source>
        <translation>无法连接培训平台，请检查网络。</translation>
    </message>
    <message>
        <source>The training platform's address cannot be found. Check the network.</source>
        <translation>找不到培训平台地址，请检查网络。</translation>
    </message>
    <message>
        <source>The training platform did not answer in time. Try again.</source>
        <translation>培训平台响应超时，请重试。</translation>
    </message>
    <message>
        <source>The secure connection to the platform failed.</source>
        <translation>与平台的安全连接失败。</translation>
    </message>
    <message>
        <source>The platform's certificate is not the expected one: the connection was stopped.</source>
        <translation>平台证书与预期不符：连接已中止。</translation>
    </message>
    <message>
        <source>The training platform had a problem. Try again later.</source>
        <translation>培训平台出现问题，请稍后再试。</translation>
    </message>
    <message>
        <source>The training platform gave an answer that cannot be read.</source>
        <translation>培训平台返回了无法识别的应答。</translation>
    </message>
    <message>
        <source>You are not signed in.</source>
        <translation>您尚未登录。</translation>
    </message>
    <message>
        <source>The downloaded update is not the one the platform signed, so it was deleted and not installed.</source>
        <translation>下载的更新与平台签名的版本不一致，已删除且未安装。</translation>
    </message>
    <message>
        <source>The request failed (%1).</source>
        <translation>请求失败（%1）。</translation>
    </message>
    <message>
        <source>You were signed out because your account signed in on another computer.</source>
        <translation>您的账户已在另一台电脑登录，本机已自动退出。</translation>
    </message>
    <message>
        <source>You were signed out because another learner signed in on this computer.</source>
        <translation>另一位学员已在本机登录，您已自动退出。</translation>
    </message>
    <message>
        <source>You were signed out: this account has been disabled.</source>
        <translation>您已被退出登录：该账户已被停用。</translation>
    </message>
    <message>
        <source>You have been signed out.</source>
        <translation>您已退出登录。</translation>
    </message>
    <message>
        <source>Your session has expired. Please sign in again.</source>
        <translation>登录已过期，请重新登录。</translation>
    </message>
    <message>
        <source>You were signed out after failing the face check. The time since the last passed check is not counted.</source>
        <translation>人脸核验未通过，您已被退出登录。自上次核验通过以来的时间不计入学时。</translation>
    </message>
    <message>
        <source>This course has been withdrawn: study has stopped.</source>
        <translation>该课程已下架：学习已停止。</translation>
    </message>
    <message>
        <source>Another course is open on your account: study has stopped.</source>
        <translation>您的账户正在学习另一门课程：学习已停止。</translation>
    </message>
    <message>
        <source>The platform has not been reachable for too long: study is paused until it is.</source>
        <translation>长时间无法连接平台：学习已暂停，恢复连接后可继续。</translation>
    </message>
    <message>
        <source>This computer's clock is wrong: study is paused until it is set correctly.</source>
        <translation>本机时钟不准确：学习已暂停，请校准时间后继续。</translation>
    </message>
    <message>
        <source>Study has stopped.</source>
        <translation>学习已停止。</translation>
    </message>
    <message>
        <source>This client has no institution settings (provisioning profile). Install it with your training institution's installer, or ask its administrator.</source>
        <translation>此客户端没有机构配置（预置配置文件）。请使用您的培训机构提供的安装程序安装，或联系机构管理员。</translation>
    </message>
    <message>
        <source>The institution settings (provisioning profile) cannot be read: the file is damaged or is not a profile. Ask your training institution for its installer again.</source>
        <translation>无法读取机构配置（预置配置文件）：文件已损坏或不是配置文件。请向您的培训机构重新索取安装程序。</translation>
    </message>
    <message>
        <source>The institution settings (provisioning profile) were not issued for this training platform. Ask your training institution for the right installer.</source>
        <translation>机构配置（预置配置文件）不是为本培训平台签发的。请向您的培训机构索取正确的安装程序。</translation>
    </message>
    <message>
        <source>The institution settings (provisioning profile) have been changed after they were signed, so they are not used. Ask your training institution for its installer again.</source>
        <translation>机构配置（预置配置文件）在签发后被修改，因此未被使用。请向您的培训机构重新索取安装程序。</translation>
    </message>
    <message>
        <source>The institution settings (provisioning profile) need a newer client. Install the latest installer from your training institution.</source>
        <translation>机构配置（预置配置文件）需要更新版本的客户端。请安装您的培训机构提供的最新安装程序。</translation>
    </message>
    <message>
        <source>This build of the client cannot check institution settings (no platform key is built in). Install the client from your training institution's installer.</source>
        <translation>此版本的客户端无法校验机构配置（未内置平台密钥）。请使用您的培训机构提供的安装程序安装客户端。</translation>
    </message>
    <message>
        <source>No training platform is configured: start with --server https://… or set APP_SERVER_URL.</source>
        <translation>尚未配置培训平台：请使用 --server https://… 启动，或设置 APP_SERVER_URL。</translation>
    </message>
    <message>
        <source>This installation of the client is damaged. Install it again.</source>
        <translation>此客户端的安装已损坏。请重新安装。</translation>
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
        <source>Paused for a face check. Playback continues once it is passed.</source>
        <translation>人脸核验中，已暂停。核验通过后可继续播放。</translation>
    </message>
    <message>
        <source>Paused because the attendance prompt was not answered: that time is not counted.</source>
        <translation>未应答在线确认，已暂停：该段时间不计入学时。</translation>
    </message>
    <message>
        <source>Study has stopped.</source>
        <translation>学习已停止。</translation>
    </message>
    <message>
        <source>Paused because your study record cannot be saved on this computer: time is not counted until it can.</source>
        <translation>已暂停：本机无法保存您的学习记录，在能够保存之前的时间不计入学时。</translation>
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
    <name>RecordDocument</name>
    <message>
        <source>Study sessions: %1</source>
        <translation>学习次数：%1</translation>
    </message>
    <message>
        <source>Records: %1</source>
        <translation>记录条数：%1</translation>
    </message>
    <message>
        <source>Effective study time: %1 min</source>
        <translation>有效学习时长合计：%1 分钟</translation>
    </message>
    <message>
        <source>Pending study time: %1 min</source>
        <translation>待计入学习时长：%1 分钟</translation>
    </message>
    <message>
        <source>Pending time is credited as effective study time once the course test is passed.</source>
        <translation>待计入的学习时长在通过该课程的在线测试后计入有效学习时长。</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Document type</source>
        <translation>证件类型</translation>
    </message>
    <message>
        <source>Document number</source>
        <translation>证件号码</translation>
    </message>
    <message>
        <source>Login account</source>
        <translation>登录账户</translation>
    </message>
    <message>
        <source>Course name</source>
        <translation>课程名称</translation>
    </message>
    <message>
        <source>Course duration (min)</source>
        <translation>课程时长（分钟）</translation>
    </message>
    <message>
        <source>Study time record</source>
        <translation>学习时间记录</translation>
    </message>
    <message>
        <source>Effective study time (min)</source>
        <translation>有效学习时长（分钟）</translation>
    </message>
    <message>
        <source>IP address</source>
        <translation>IP 地址</translation>
    </message>
    <message>
        <source>Course</source>
        <translation>课程</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>成绩</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Passed</source>
        <translation>已通过</translation>
    </message>
    <message>
        <source>Not passed</source>
        <translation>未通过</translation>
    </message>
    <message>
        <source>Studied (min)</source>
        <translation>已学时长（分钟）</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>进度</translation>
    </message>
    <message>
        <source>Course test</source>
        <translation>课程测试</translation>
    </message>
    <message>
        <source>Not passed yet</source>
        <translation>尚未通过</translation>
    </message>
    <message>
        <source>%1 to %2</source>
        <translation>%1 至 %2</translation>
    </message>
    <message>
        <source>From %1</source>
        <translation>%1 起</translation>
    </message>
    <message>
        <source>Until %1</source>
        <translation>截至 %1</translation>
    </message>
    <message>
        <source>All dates</source>
        <translation>全部日期</translation>
    </message>
    <message>
        <source>All courses</source>
        <translation>全部课程</translation>
    </message>
    <message>
        <source>No study records for the selected dates and course.</source>
        <translation>所选日期和课程没有学习记录。</translation>
    </message>
    <message>
        <source>Training institution</source>
        <translation>培训机构</translation>
    </message>
    <message>
        <source>Period:</source>
        <translation>时间范围：</translation>
    </message>
    <message>
        <source>Course:</source>
        <translation>课程：</translation>
    </message>
    <message>
        <source>DEMO: this record contains demo study sessions (shaded). They are not evidence of training.</source>
        <translation>演示：本记录含演示学习记录（底色标示），不能作为培训证明。</translation>
    </message>
    <message>
        <source>Printed at %1 (Beijing time)</source>
        <translation>打印时间：%1（北京时间）</translation>
    </message>
    <message>
        <source>Study record</source>
        <translation>学习记录</translation>
    </message>
    <message>
        <source>Format: notice 粤人社函〔2023〕339号, Attachment 2</source>
        <translation>记录格式：粤人社函〔2023〕339号 附件2</translation>
    </message>
    <message>
        <source>Study sessions</source>
        <translation>学习过程记录</translation>
    </message>
    <message>
        <source>Durations in minutes; times are Beijing time.</source>
        <translation>时长单位为分钟（min），时间为北京时间。</translation>
    </message>
    <message>
        <source>Test results</source>
        <translation>测试结果</translation>
    </message>
    <message>
        <source>No test results.</source>
        <translation>暂无测试结果。</translation>
    </message>
    <message>
        <source>Course progress</source>
        <translation>学习进度</translation>
    </message>
    <message>
        <source>No courses.</source>
        <translation>暂无课程。</translation>
    </message>
</context>
<context>
    <name>RecordsPage</name>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>Study record</source>
        <translation>学习记录</translation>
    </message>
    <message>
        <source>Save the study record as PDF</source>
        <translation>将学习记录另存为 PDF</translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <source>The PDF could not be saved: %1</source>
        <translation>无法保存 PDF：%1</translation>
    </message>
    <message>
        <source>Saved: %1</source>
        <translation>已保存：%1</translation>
    </message>
    <message>
        <source>Print the study record</source>
        <translation>打印学习记录</translation>
    </message>
    <message>
        <source>Printing failed. Check the printer and try again.</source>
        <translation>打印失败。请检查打印机后重试。</translation>
    </message>
    <message>
        <source>All courses</source>
        <translation>全部课程</translation>
    </message>
    <message>
        <source>%1 · %2 %3 · account %4 · %5</source>
        <translation>%1 · %2 %3 · 账户 %4 · %5</translation>
    </message>
    <message>
        <source>Demo record: not evidence of training.</source>
        <translation>演示记录：不能作为培训证明。</translation>
    </message>
    <message>
        <source>No study records for the selected dates and course.</source>
        <translation>所选日期和课程没有学习记录。</translation>
    </message>
    <message>
        <source>Click Refresh to load your study records.</source>
        <translation>点击“刷新”加载您的学习记录。</translation>
    </message>
    <message>
        <source>This list contains demo study sessions (shaded). They are not evidence of training.</source>
        <translation>列表中含演示学习记录（底色标示），不能作为培训证明。</translation>
    </message>
    <message>
        <source>No test results.</source>
        <translation>暂无测试结果。</translation>
    </message>
    <message>
        <source>No courses.</source>
        <translation>暂无课程。</translation>
    </message>
    <message>
        <source>My study records</source>
        <translation>我的学习记录</translation>
    </message>
    <message>
        <source>Only sessions from</source>
        <translation>仅显示学习日期从</translation>
    </message>
    <message>
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <source>Course:</source>
        <translation>课程：</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Print…</source>
        <translation>打印…</translation>
    </message>
    <message>
        <source>Save as PDF…</source>
        <translation>另存为 PDF…</translation>
    </message>
    <message>
        <source>Study records</source>
        <translation>学习记录</translation>
    </message>
    <message>
        <source>Test results</source>
        <translation>测试结果</translation>
    </message>
    <message>
        <source>Course progress</source>
        <translation>学习进度</translation>
    </message>
</context>
<context>
    <name>SignInFlow</name>
    <message>
        <source>The SMS code was sent.</source>
        <translation>短信验证码已发送。</translation>
    </message>
    <message>
        <source>Face registration</source>
        <translation>人脸注册</translation>
    </message>
    <message>
        <source>No face is registered for this account yet. Register your face now? Your institution approves the registration before it is used.</source>
        <translation>该账户尚未注册人脸。现在注册吗？注册须经培训机构审核后才能使用。</translation>
    </message>
    <message>
        <source>Password accepted. Now the face check.</source>
        <translation>密码正确。接下来进行人脸核验。</translation>
    </message>
    <message>
        <source>Identity confirmed.</source>
        <translation>身份核验通过。</translation>
    </message>
    <message>
        <source>The face check was cancelled.</source>
        <translation>人脸核验已取消。</translation>
    </message>
</context>
<context>
    <name>SignInPage</name>
    <message>
        <source>Sign in to study</source>
        <translation>登录学习</translation>
    </message>
    <message>
        <source>Account and password</source>
        <translation>账号密码登录</translation>
    </message>
    <message>
        <source>Phone and SMS code</source>
        <translation>手机验证码登录</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>账号</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>手机号</translation>
    </message>
    <message>
        <source>SMS code</source>
        <translation>验证码</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
    <message>
        <source>Demo: sign in as %1 with the password %2 (or phone %3; the SMS code appears in the client's log). The camera is simulated.</source>
        <translation>演示：请使用账号 %1、密码 %2 登录（或手机号 %3，验证码记录在客户端日志中）。摄像头为模拟摄像头。</translation>
    </message>
    <message>
        <source>Enter your account and password.</source>
        <translation>请输入账号和密码。</translation>
    </message>
    <message>
        <source>Checking your password…</source>
        <translation>正在核对密码……</translation>
    </message>
    <message>
        <source>Enter your phone number and the SMS code.</source>
        <translation>请输入手机号和短信验证码。</translation>
    </message>
    <message>
        <source>Checking the code…</source>
        <translation>正在核对验证码……</translation>
    </message>
    <message>
        <source>Enter your phone number first.</source>
        <translation>请先输入手机号。</translation>
    </message>
    <message>
        <source>Resend in %1 s</source>
        <translation>%1 秒后可重发</translation>
    </message>
    <message>
        <source>Send code</source>
        <translation>获取验证码</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>正在启动……</translation>
    </message>
    <message>
        <source>The demo platform could not start (%1).</source>
        <translation>演示平台无法启动（%1）。</translation>
    </message>
    <message>
        <source>Ready. Sign in to study.</source>
        <translation>已就绪，请登录学习。</translation>
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
        <source>This lab PC has not been set up: its key file is missing, so your study records cannot be kept encrypted. Ask the training centre to run the lab PC setup.</source>
        <translation>本机房电脑尚未完成设置：缺少密钥文件，无法加密保存您的学习记录。请联系培训中心运行机房电脑设置程序。</translation>
    </message>
    <message>
        <source>This account may not use the lab PC's key file. Ask the training centre to add the account to the client's group.</source>
        <translation>此账户无权使用本机房电脑的密钥文件。请联系培训中心将此账户加入客户端用户组。</translation>
    </message>
    <message>
        <source>The lab PC's key file is not protected (others could read or replace it), so it is not used and the client will not start. Ask the training centre to run the lab PC setup again.</source>
        <translation>本机房电脑的密钥文件未受保护（其他人可以读取或替换），因此不予使用，客户端无法启动。请联系培训中心重新运行机房电脑设置程序。</translation>
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
    <message>
        <source>Study is paused: your latest study record could not be saved on this computer, so the time from now on would not count. Everything saved before is kept. %1</source>
        <translation>学习已暂停：本机未能保存您最新的学习记录，此后的时间将无法计入学时。此前已保存的记录全部保留。%1</translation>
    </message>
</context>
<context>
    <name>StudyFlow</name>
    <message>
        <source>Preparing the course video…</source>
        <translation>正在准备课程视频……</translation>
    </message>
    <message>
        <source>Face check passed.</source>
        <translation>人脸核验通过。</translation>
    </message>
    <message>
        <source>A face check is required to go on studying: the course was closed.</source>
        <translation>继续学习必须通过人脸核验：课程已关闭。</translation>
    </message>
</context>
<context>
    <name>StudyPage</name>
    <message>
        <source>Close the course</source>
        <translation>关闭课程</translation>
    </message>
    <message>
        <source>Close this course? Your place is saved, and it continues from here next time.</source>
        <translation>要关闭本课程吗？学习进度已保存，下次将从这里继续。</translation>
    </message>
    <message>
        <source>Keep studying</source>
        <translation>继续学习</translation>
    </message>
    <message>
        <source>You did not answer in time: playback paused and the time since your last answer is not counted.</source>
        <translation>您未能及时应答：播放已暂停，自上次应答以来的时间不计入学时。</translation>
    </message>
    <message>
        <source>I am back</source>
        <translation>我回来了</translation>
    </message>
    <message>
        <source>Are you still studying? Answer within %1 s.</source>
        <translation>您还在学习吗？请在 %1 秒内应答。</translation>
    </message>
    <message>
        <source>Yes, I am here</source>
        <translation>我在学习</translation>
    </message>
    <message>
        <source>Offline: %1 records waiting to upload</source>
        <translation>离线：%1 条记录待上传</translation>
    </message>
    <message>
        <source>Uploading: %1 records waiting</source>
        <translation>正在上传：%1 条记录待上传</translation>
    </message>
    <message>
        <source>All records uploaded</source>
        <translation>记录已全部上传</translation>
    </message>
    <message>
        <source>Credited today %1 of %2 min</source>
        <translation>今日已计 %1 / %2 分钟</translation>
    </message>
    <message>
        <source>%1 min waits for the course test to be passed</source>
        <translation>%1 分钟待课程测试通过后计入</translation>
    </message>
</context>
<context>
    <name>UpdateFlow</name>
    <message>
        <source>Version %1 of the client is available (this is %2). Download and install it now?</source>
        <translation>客户端新版本 %1 已发布（当前为 %2）。现在下载并安装吗？</translation>
    </message>
    <message>
        <source>Update available</source>
        <translation>有可用更新</translation>
    </message>
    <message>
        <source>Downloading version %1 of the client…</source>
        <translation>正在下载客户端 %1 版本……</translation>
    </message>
    <message>
        <source>The new version was downloaded and checked; it is installed now.</source>
        <translation>新版本已下载并通过校验，现在开始安装。</translation>
    </message>
</context>
</TS>