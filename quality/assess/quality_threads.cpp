#include <opencv2/core/utility.hpp>
#include "quality_threads.h"

void veriport_set_num_threads(int n) { cv::setNumThreads(n); }
