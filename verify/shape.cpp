#include "baseline.h"
#include <cstring>
#include <exception>
#include <dlib/image_processing/frontal_face_detector.h>
#include <dlib/image_processing/shape_predictor.h>
#include <dlib/serialize.h>
#include "shape.h"

struct vp_shape {
	dlib::frontal_face_detector detector;
	dlib::shape_predictor predictor;
};

vp_shape *vp_shape_open(const char *path, char *err, int errlen) {
	try {
		vp_shape *s = new vp_shape;
		s->detector = dlib::get_frontal_face_detector();
		dlib::deserialize(path) >> s->predictor;
		return s;
	} catch (const std::exception &e) {
		std::strncpy(err, e.what(), errlen - 1);
		err[errlen - 1] = 0;
		return nullptr;
	}
}

void vp_shape_close(vp_shape *s) { delete s; }

int vp_shape_find(vp_shape *s, const unsigned char *grey, int w, int h, int stride,
                  long *rects, long *pts, int max) {
	try {
		dlib::array2d<unsigned char> img(h, w);
		for (int y = 0; y < h; y++) {
			std::memcpy(&img[y][0], grey + (size_t)y * stride, w);
		}
		std::vector<dlib::rectangle> found = s->detector(img);
		std::sort(found.begin(), found.end(), [](const dlib::rectangle &a, const dlib::rectangle &b) {
			return a.left() < b.left() || (a.left() == b.left() && a.top() < b.top());
		});
		int n = (int)found.size();
		for (int i = 0; i < n && i < max; i++) {
			const dlib::rectangle &r = found[i];
			rects[4 * i] = r.left();
			rects[4 * i + 1] = r.top();
			rects[4 * i + 2] = r.right();
			rects[4 * i + 3] = r.bottom();
			dlib::full_object_detection d = s->predictor(img, r);
			for (unsigned long k = 0; k < 5; k++) {
				long x = -1, y = -1;
				if (k < d.num_parts()) {
					x = d.part(k).x();
					y = d.part(k).y();
				}
				pts[10 * i + 2 * k] = x;
				pts[10 * i + 2 * k + 1] = y;
			}
		}
		return n;
	} catch (const std::exception &) {
		return -1;
	}
}
