// The inpaint mask painter of the Create page (MaskPainter.razor), loaded as a JS module.
//
// The mask lives in an offscreen canvas of the input image's own size: white strokes on transparent. The visible
// canvas lies over the image, scaled by CSS, and shows the area that will be repainted in a tint (the painted strokes,
// or everything else when the mask is inverted). Export flattens the strokes onto black: a PNG of the image's size,
// white = repaint, which the server stores as an input image and names as the spec's mask.

const tint = "rgba(255, 64, 64, 0.5)";

export function create(canvas, width, height, maskUrl) {
    const mask = document.createElement("canvas");
    mask.width = width;
    mask.height = height;
    const maskContext = mask.getContext("2d", { willReadFrequently: true });
    canvas.width = width;
    canvas.height = height;
    const view = canvas.getContext("2d");
    const state = { brush: Math.max(4, Math.round(Math.min(width, height) / 16)), erase: false, inverted: false, dirty: false, last: null };

    function render() {
        view.save();
        view.clearRect(0, 0, width, height);
        if (state.inverted) {
            view.fillStyle = tint;
            view.fillRect(0, 0, width, height);
            view.globalCompositeOperation = "destination-out";
            view.drawImage(mask, 0, 0);
        } else {
            view.drawImage(mask, 0, 0);
            view.globalCompositeOperation = "source-in";
            view.fillStyle = tint;
            view.fillRect(0, 0, width, height);
        }
        view.restore();
    }

    // The pointer in image pixels: the canvas is shown at any size, the mask is the image's.
    function point(e) {
        const box = canvas.getBoundingClientRect();
        return { x: (e.clientX - box.left) * width / box.width, y: (e.clientY - box.top) * height / box.height };
    }

    function stroke(from, to) {
        maskContext.save();
        maskContext.globalCompositeOperation = state.erase ? "destination-out" : "source-over";
        maskContext.strokeStyle = "#ffffff";
        maskContext.fillStyle = "#ffffff";
        maskContext.lineWidth = state.brush;
        maskContext.lineCap = "round";
        maskContext.lineJoin = "round";
        if (from.x === to.x && from.y === to.y) {
            maskContext.beginPath();
            maskContext.arc(to.x, to.y, state.brush / 2, 0, Math.PI * 2);
            maskContext.fill();
        } else {
            maskContext.beginPath();
            maskContext.moveTo(from.x, from.y);
            maskContext.lineTo(to.x, to.y);
            maskContext.stroke();
        }
        maskContext.restore();
        state.dirty = true;
        render();
    }

    function down(e) {
        if (e.button !== 0) {
            return;
        }
        canvas.setPointerCapture(e.pointerId);
        state.last = point(e);
        stroke(state.last, state.last);
        e.preventDefault();
    }

    function move(e) {
        if (state.last === null) {
            return;
        }
        const next = point(e);
        stroke(state.last, next);
        state.last = next;
        e.preventDefault();
    }

    function up(e) {
        state.last = null;
        if (canvas.hasPointerCapture(e.pointerId)) {
            canvas.releasePointerCapture(e.pointerId);
        }
    }

    canvas.addEventListener("pointerdown", down);
    canvas.addEventListener("pointermove", move);
    canvas.addEventListener("pointerup", up);
    canvas.addEventListener("pointercancel", up);

    // A mask reused from an earlier job: its luma becomes the strokes' opacity, as white = repaint.
    if (maskUrl) {
        const image = new Image();
        image.onload = () => {
            const scratch = document.createElement("canvas");
            scratch.width = width;
            scratch.height = height;
            const scratchContext = scratch.getContext("2d", { willReadFrequently: true });
            scratchContext.drawImage(image, 0, 0, width, height);
            const pixels = scratchContext.getImageData(0, 0, width, height);
            const data = pixels.data;
            for (let i = 0; i < data.length; i += 4) {
                const luma = (data[i] * 299 + data[i + 1] * 587 + data[i + 2] * 114) / 1000;
                data[i] = data[i + 1] = data[i + 2] = 255;
                data[i + 3] = luma;
            }
            maskContext.putImageData(pixels, 0, 0);
            render();
        };
        image.src = maskUrl;
    }

    return {
        setBrush: size => { state.brush = Math.max(1, size); },
        setErase: erase => { state.erase = erase; },
        setInverted: inverted => { state.inverted = inverted; render(); },
        clear: () => {
            maskContext.clearRect(0, 0, width, height);
            state.dirty = true;
            render();
        },
        // { empty: nothing painted, dirty: changed since the last export }.
        state: () => {
            const alpha = maskContext.getImageData(0, 0, width, height).data;
            let empty = true;
            for (let i = 3; i < alpha.length; i += 4) {
                if (alpha[i] !== 0) {
                    empty = false;
                    break;
                }
            }
            return { empty, dirty: state.dirty };
        },
        // The mask as a PNG of the image's size: white strokes on black. Returned as bytes, which .NET reads as a stream.
        exportPng: async () => {
            const flat = document.createElement("canvas");
            flat.width = width;
            flat.height = height;
            const flatContext = flat.getContext("2d");
            flatContext.fillStyle = "#000000";
            flatContext.fillRect(0, 0, width, height);
            flatContext.drawImage(mask, 0, 0);
            const blob = await new Promise(resolve => flat.toBlob(resolve, "image/png"));
            state.dirty = false;
            return new Uint8Array(await blob.arrayBuffer());
        },
        dispose: () => {
            canvas.removeEventListener("pointerdown", down);
            canvas.removeEventListener("pointermove", move);
            canvas.removeEventListener("pointerup", up);
            canvas.removeEventListener("pointercancel", up);
        },
    };
}
