// An idle customer tab costs the server nothing: after Portal:CircuitIdleTimeout without input (the page's
// <meta name="portal-circuit-idle-timeout">, in seconds) its circuit is paused — .NET hands the page's state to
// the browser and frees it on the server — and the next input or a return to the tab resumes it on the same view.
(function start(attempt) {
    const meta = document.querySelector('meta[name="portal-circuit-idle-timeout"]');
    const seconds = meta ? Number(meta.content) : 0;
    if (!(seconds > 0)) {
        return;
    }
    if (!window.Blazor || typeof window.Blazor.pauseCircuit !== "function") {
        // blazor.web.js publishes window.Blazor as it starts; look again shortly (for ten seconds at most).
        if (attempt < 40) {
            setTimeout(() => start(attempt + 1), 250);
        }
        return;
    }
    const root = document.documentElement;
    let timer = 0;
    let paused = false;
    let busy = false;

    const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(pause, seconds * 1000);
    };

    async function pause() {
        if (paused || busy) {
            return;
        }
        busy = true;
        try {
            paused = await Blazor.pauseCircuit();
        } catch {
            // Not connected yet (or any more): the reconnection UI takes care of it.
        } finally {
            busy = false;
            root.dataset.circuit = paused ? "paused" : "active";
        }
    }

    async function resume() {
        if (!paused || busy) {
            arm();
            return;
        }
        busy = true;
        try {
            if (await Blazor.resumeCircuit()) {
                paused = false;
            } else {
                // The state the browser held has expired: a fresh page shows the same view (it is in the address).
                location.reload();
            }
        } catch {
            location.reload();
        } finally {
            busy = false;
            root.dataset.circuit = paused ? "paused" : "active";
            arm();
        }
    }

    for (const type of ["pointerdown", "pointermove", "keydown", "wheel", "touchstart"]) {
        addEventListener(type, resume, { capture: true, passive: true });
    }
    document.addEventListener("visibilitychange", () => {
        if (document.visibilityState === "visible") {
            resume();
        }
    });
    root.dataset.circuit = "active";
    arm();
})(0);
